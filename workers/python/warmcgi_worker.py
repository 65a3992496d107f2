# -*- coding: utf-8 -*-
"""WarmCgi's Python worker: unmodified CGI scripts in a resident interpreter.

A script must not be able to tell that it is not running under classic CGI (a fresh
process per request), while the stdlib and site-packages modules it imports stay loaded
between requests: that is where the speed comes from. Standard library only; the file runs
unchanged on CPython 2.7, CPython 3.8+ and PyPy3.

Contract with the server (FastCGI 1.0, responder role)
  argv  warmcgi_worker.py              fd 0 is an already-listening Unix stream socket
        warmcgi_worker.py --bind PATH  listen on a new Unix socket at PATH (testing by hand)
  fds   0 = the listening socket, 1 = /dev/null, 2 = the worker log (one line per event,
        prefixed "warmcgi-worker:"). Both are kept at high close-on-exec fds; 0-2 then
        point at /dev/null.
  env   WARMCGI_KEEP_APP_MODULES=1: the application's own modules stay loaded too (dropped
        when one of their files or the script folder changes). TMPDIR: where big bodies go.
        WARMCGI_FORK=1: fork mode -- steps 2 and 3 below run in a forked child that then
        exits, so step 4 has nothing to undo but the set-up; the stdlib and site-packages
        modules a child imported are loaded into this process for the children after it.
        WARMCGI_LEAKED_FDS_MAX: how many files scripts may leave open (256).
  One connection and one request at a time (FCGI_MAX_CONNS = FCGI_MAX_REQS = 1).

A request
  1. PARAMS become os.environ (in place: cgi binds os.environ at import) and the C
     environment; the whole body becomes fd 0 (a pipe up to 64 KiB, an unlinked temporary
     file beyond, /dev/null when empty); fresh pipes become fds 1 and 2.
  2. The script runs as a fresh __main__ with CGI's argv, sys.path[0], cwd and std streams
     (buffered as Python buffers them for pipes), in a fresh contextvars.Context.
  3. Then what interpreter shutdown would do: join non-daemon threads, run atexit handlers,
     flush, tear __main__ down. fds 0-2 are closed; the pipes are read to EOF -- EOF comes
     when children that inherited fd 1 close it too, exactly as under CGI -- and
     FCGI_END_REQUEST carries the exit status (with 0x100 added when the worker asks to
     be replaced: its scripts left too many files open).
  4. Only then is undone what the script changed in the process: application modules,
     signal handlers and timers, hooks, logging, warnings, the locale, patched builtins...
     so that every request starts from the same state.
  Output: short requests are drained by the main thread after the script, with no thread
  switch (those cost more than all the rest here); a helper thread takes over the pipes of
  a request still running after 10 ms and streams them (first bytes go out while the script
  runs; 50 MB go through in bounded memory). os._exit() in a script delivers what is
  already written and really exits without END_REQUEST: the closed connection ends the
  response, and the server replaces the worker.
"""
from __future__ import absolute_import, division, print_function

import sys
# What every interpreter has loaded before its script runs (os, io, site...): an app's
# module of such a name is shadowed by it under CGI too. Any other loaded module is not.
STARTUP_MODULES = frozenset(sys.modules)

import warnings

import atexit
import binascii
import codecs
import errno
import fcntl
import gc
import os
import select
import signal
import socket
import struct
import threading
import time

# The filters of a fresh interpreter that has imported what stays resident here: Python
# 2.7's threading adds one at import, and a script that imports logging or decimal (which
# import threading) sees it under CGI too.
FRESH_WARNING_FILTERS = list(warnings.filters)

PY3 = sys.version_info[0] >= 3
PYPY = hasattr(sys, 'pypy_version_info')
if PY3:
    import _thread
    import builtins
    import contextvars
    import io
    from importlib.machinery import SourceFileLoader
    INT_TYPES = (int,)
else:
    import __builtin__ as builtins
    import thread as _thread
    INT_TYPES = (int, long)  # noqa: F821 (Python 2 only)
try:
    import _locale
except ImportError:
    _locale = None

(FCGI_BEGIN_REQUEST, FCGI_ABORT_REQUEST, FCGI_END_REQUEST, FCGI_PARAMS, FCGI_STDIN,
 FCGI_STDOUT, FCGI_STDERR, FCGI_DATA, FCGI_GET_VALUES, FCGI_GET_VALUES_RESULT,
 FCGI_UNKNOWN_TYPE) = range(1, 12)
FCGI_RESPONDER, FCGI_KEEP_CONN = 1, 1
FCGI_REQUEST_COMPLETE, FCGI_CANT_MPX_CONN, FCGI_OVERLOADED, FCGI_UNKNOWN_ROLE = range(4)
HEADER, BEGIN_BODY = struct.Struct('!BBHHBx'), struct.Struct('!HB5x')
END_BODY, UNKNOWN_BODY, LEN4 = struct.Struct('!IB3x'), struct.Struct('!B7x'), struct.Struct('!I')
MAX_CONTENT = 65535
GET_VALUES_ANSWERS = ((b'FCGI_MAX_CONNS', b'1'), (b'FCGI_MAX_REQS', b'1'),
                      (b'FCGI_MPXS_CONNS', b'0'))

PIPE_BODY_MAX = 64 * 1024   # a body up to this size fits a pipe's buffer
RECV_SIZE = 256 * 1024      # a receive takes several STDIN records of a body at once
HIGH_FD = 64                # the worker's own fds live at or above this number
FORK_MODE = os.environ.get('WARMCGI_FORK') == '1'
GC_EVERY = 1000             # a full garbage collection every N requests, not per request
CODE_CACHE_MAX = 1000
# Files scripts opened and never closed (os.open, a descriptor kept in a cycle...) stay open
# in a resident worker; past this many it asks the server for a replacement (END_REQUEST's
# appStatus bit ASKS_TO_BE_REPLACED) rather than run out of descriptors and fail requests.
LEAKED_FDS_MAX = int(os.environ.get('WARMCGI_LEAKED_FDS_MAX') or 256)
ASKS_TO_BE_REPLACED = 0x100
# Fork mode: appStatus bit for a child killed by a signal (the low byte is then its number).
KILLED_BY_SIGNAL = 0x200
# Signals whose default action ends the process (SIGINT's default handler raises instead).
FATAL_BY_DEFAULT = frozenset(getattr(signal, name) for name in (
    'SIGHUP', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGUSR1',
    'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGXCPU', 'SIGXFSZ',
    'SIGVTALRM', 'SIGPROF', 'SIGSYS') if hasattr(signal, name))
REAL_EXIT, REAL_FORK, REAL_FORKPTY = os._exit, os.fork, getattr(os, 'forkpty', None)
REAL_EXECV, REAL_EXECVE = os.execv, os.execve
REAL_CLOSE, REAL_CLOSERANGE = os.close, os.closerange
FS_ENCODING = sys.getfilesystemencoding() or 'utf-8'
SPOOL_DIR = os.environ.get('TMPDIR') or '/tmp'   # the worker's: os.environ will be requests'

_log_fd = -1


# --- small helpers -------------------------------------------------------------------------
def log(msg):
    """One line on the worker's own log fd; the server copies it to its log."""
    if _log_fd >= 0:
        line = 'warmcgi-worker: %s\n' % ' '.join(str(msg).split())
        try:
            os.write(_log_fd, line.encode('utf-8', 'backslashreplace') if PY3 else line)
        except Exception:
            pass


def describe_exc():
    """The current exception as one line, with its innermost frames."""
    etype, value, tb = sys.exc_info()
    where = []
    while tb is not None:
        code = tb.tb_frame.f_code
        where.append('%s:%d %s' % (os.path.basename(code.co_filename), tb.tb_lineno,
                                   code.co_name))
        tb = tb.tb_next
    return '%s: %r [%s]' % (etype.__name__, value, ' < '.join(reversed(where[-4:])))


def cloexec(fd):
    fcntl.fcntl(fd, fcntl.F_SETFD, fcntl.fcntl(fd, fcntl.F_GETFD) | fcntl.FD_CLOEXEC)
    return fd


def move_high(fd):
    """A close-on-exec copy of fd numbered >= HIGH_FD: out of the way of fds 0-2 and of
    the low numbers a script's files get, and never inherited by the script's children."""
    return cloexec(fcntl.fcntl(fd, fcntl.F_DUPFD, HIGH_FD))


def new_pipe():
    """A close-on-exec pipe never on fds 0-2 (a script may have left one of them closed),
    whose read end does not block: the worker reads it; the script writes the other end."""
    fds = os.pipe()
    if min(fds) <= 2:
        moved = [move_high(fd) for fd in fds]
        for fd in fds:
            REAL_CLOSE(fd)
        fds = moved
    elif not PY3:
        for fd in fds:
            cloexec(fd)
    fcntl.fcntl(fds[0], fcntl.F_SETFL, os.O_NONBLOCK)   # a fresh read end has no other flag
    return fds


def retry(func, *args):
    """func(*args), retried on EINTR (Python 2 and select.error do not retry by themselves)."""
    while True:
        try:
            return func(*args)
        except (EnvironmentError, select.error) as e:
            code = getattr(e, 'errno', None) or (e.args[0] if e.args else None)
            if code != errno.EINTR:
                raise


def write_all(fd, data):
    view = memoryview(data)
    while len(view):
        view = view[retry(os.write, fd, view):]


def acquire(lock, timeout=None):
    if timeout is None:
        return lock.acquire()
    if PY3:
        return lock.acquire(True, timeout)
    deadline = time.time() + timeout
    while not lock.acquire(False):
        if time.time() >= deadline:
            return False
        time.sleep(0.005)
    return True


def fsdecode(b):
    return b.decode(FS_ENCODING, 'surrogateescape') if PY3 else b


def quiet_fork():
    """os.fork without Python 3.12's warning that the process has threads (the pump's:
    it holds nothing a child needs)."""
    if sys.version_info < (3, 12):
        return REAL_FORK()
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        return REAL_FORK()


def exec_failure(report):
    """The exception a failed exec raised in the child, for the script: 'E<errno>', or
    'X<type name>\0<message>' (a TypeError, a ValueError...)."""
    if report.startswith('E'):
        code = int(report[1:])
        return OSError(code, os.strerror(code))
    name, _, message = report[1:].partition('\0')
    kind = getattr(builtins, name, None)
    if isinstance(kind, type) and issubclass(kind, Exception):
        return kind(message)
    return OSError(errno.ENOEXEC, os.strerror(errno.ENOEXEC))


def stream_fd(stream):
    try:
        return stream.fileno()
    except Exception:   # closed, or not a file
        return -1


def watch(owner, name, before_call):
    """Replace owner.name, for good, by a wrapper that calls before_call(*args) first:
    noting what a script changes is cheaper than comparing all of it after every request.
    Returns the original."""
    real = getattr(owner, name)

    def watched(*args, **kwargs):
        try:
            before_call(*args, **kwargs)
        except Exception:   # bad arguments: let the real function say so
            pass
        return real(*args, **kwargs)
    for attr in ('__name__', '__doc__', '__module__'):
        setattr(watched, attr, getattr(real, attr, None))
    watched.__wrapped__ = real
    setattr(owner, name, watched)
    return real


def registering_while_loaded(register_at_fork):
    """os.register_at_fork whose hooks run only while the module that registered them is
    still the one loaded. A script's (its __main__, or an app module imported afresh) end
    with its request, as they would with the process it had under CGI; a resident module's
    (random's reseeding, logging's locks) stay for every later fork."""
    def register(**hooks):
        name = sys._getframe(1).f_globals.get('__name__')
        owner = sys.modules.get(name)

        def while_loaded(hook):
            if not callable(hook):
                return hook   # register_at_fork says what is wrong with it
            return lambda: hook() if sys.modules.get(name) is owner else None
        return register_at_fork(**dict((when, while_loaded(hook)) for when, hook in hooks.items()))
    return register


MISSING = object()
CSV_FIELD_LIMIT = 128 * 1024   # csv.field_size_limit() in a fresh process


def snapshot_attrs(namespace, names):
    """[(namespace, name, value)]: the attributes as they are now (MISSING when absent)."""
    return [(namespace, name, namespace.get(name, MISSING)) for name in names]


def restore_attrs(snapshot):
    """Put attributes back as snapshot_attrs saw them: an identity check each, the usual
    outcome being that nothing changed."""
    for namespace, name, value in snapshot:
        if namespace.get(name, MISSING) is not value:
            if value is MISSING:
                namespace.pop(name, None)
            else:
                namespace[name] = value


def last_key(mapping):
    """The key inserted last (Python 3.7+ dicts keep insertion order)."""
    return next(reversed(mapping)) if PY3 and mapping else None


# --- FastCGI records -------------------------------------------------------------------------
def record(rtype, reqid, content=b''):
    return HEADER.pack(1, rtype, reqid, len(content), 0) + content


def end_request(reqid, app_status, protocol_status=FCGI_REQUEST_COMPLETE):
    return record(FCGI_END_REQUEST, reqid,
                  END_BODY.pack(app_status & 0xFFFFFFFF, protocol_status))


def decode_pairs(data):
    """FastCGI name-value pairs (1- or 4-byte lengths) -> dict of bytes."""
    pairs = {}
    octets = data if PY3 else bytearray(data)   # numeric indexing
    pos, end = 0, len(data)
    try:
        while pos < end:
            nlen, vlen = octets[pos], octets[pos + 1]
            if nlen < 128 and vlen < 128:   # the usual case
                pos += 2
            else:
                nlen, pos = read_length(data, octets, pos)
                vlen, pos = read_length(data, octets, pos)
            mid = pos + nlen
            pos = mid + vlen
            pairs[data[mid - nlen:mid]] = data[mid:pos]
    except (IndexError, struct.error):
        log('malformed FastCGI name-value pairs ignored')
    return pairs


def read_length(data, octets, pos):
    if octets[pos] < 128:
        return octets[pos], pos + 1
    return LEN4.unpack_from(data, pos)[0] & 0x7FFFFFFF, pos + 4


def encode_pair(name, value):
    def length(n):
        return struct.pack('!B', n) if n < 128 else LEN4.pack(n | 0x80000000)
    return length(len(name)) + length(len(value)) + name + value


class Connection(object):
    """An accepted connection: a record reader over one receive buffer (the records of a
    request without a body arrive in a single recv), and a lock so that the records of the
    pump thread and of the main thread never interleave."""

    def __init__(self, sock):
        self.sock, self.buf, self.pos = sock, b'', 0
        # Received into one buffer for good: recv(n) would map and unmap n bytes each time.
        self.rbuf = bytearray(RECV_SIZE)
        self.rview = memoryview(self.rbuf)
        self.recv_into = sock.recv_into if PY3 else (lambda b: retry(sock.recv_into, b))
        self.lock = threading.Lock()
        self.broken = False

    def read_record(self):
        """(type, request id, content), or None once the connection ends."""
        buf, pos = self.buf, self.pos
        while True:
            if len(buf) - pos >= 8:
                version, rtype, reqid, clen, plen = HEADER.unpack_from(buf, pos)
                if version != 1:
                    log('FastCGI version %d record: closing the connection' % version)
                    return None
                end = pos + 8 + clen + plen
                if end <= len(buf):
                    self.pos = end
                    return rtype, reqid, buf[pos + 8:pos + 8 + clen]
            n = self.recv_into(self.rbuf)
            if not n:
                return None
            buf, pos = buf[pos:] + self.rview[:n].tobytes(), 0   # what is left is less than a record
            self.buf, self.pos = buf, pos

    def buffered(self):
        """Whether a whole record header already waits in the buffer (an abort that came
        with the request's last records)."""
        return len(self.buf) - self.pos >= 8

    def send(self, data, timeout=None):
        if acquire(self.lock, timeout):
            try:
                if not self.broken:
                    self.sock.sendall(data)
            except (socket.error, EnvironmentError):
                self.broken = True   # the server went away: keep draining, stop sending
            finally:
                self.lock.release()

    def close(self):
        try:
            self.sock.close()
        except Exception:
            pass


# --- the script's output -------------------------------------------------------------------
class Job(object):
    """One request's output: its stdout pipe (read end), and who drains it."""
    __slots__ = ('conn', 'reqid', 'out', 'start', 'owner', 'ended_early')

    def __init__(self, conn, reqid, out_fd):
        self.conn, self.reqid, self.out = conn, reqid, out_fd
        self.start, self.owner, self.ended_early = time.time(), None, False


class Pump(object):
    """Turns the script's fd 1/2 bytes into FCGI_STDOUT/FCGI_STDERR records.

    fd 1 is a fresh pipe per request: its EOF, once every process that inherited it closed
    it, is the end of the response, exactly as under CGI. fd 2 is one pipe for the worker's
    life (a pipe costs more to make than anything else a request does to its fds): what is
    in it when stdout ends goes out before FCGI_END_REQUEST, and what a script's leftover
    child writes later goes with the next request's.

    Most responses reach the pipes when the script ends (stdout is block-buffered), so the
    main thread drains them afterwards itself. A helper thread -- started with _thread, so
    that threading.enumerate() in a script looks like a fresh interpreter's -- ticks every
    TICK seconds while requests come in and takes over the pipes of a request running
    longer than a tick: from then on output streams as it comes, and a script writing more
    than a pipe holds blocks for a tick at most. It parks after PARK_AFTER idle seconds."""
    TICK, PARK_AFTER = 0.01, 1.0

    def __init__(self, err_fd):
        self.err = err_fd
        self.err_poll = select.poll()
        self.err_poll.register(err_fd, select.POLLIN)
        self.lock = threading.Lock()   # guards job, job.owner and parked
        self.done = threading.Lock()   # released by the thread when it drained a job
        self.wake = threading.Lock()   # released by the main thread to unpark the thread
        self.done.acquire()
        self.wake.acquire()
        self.job, self.parked, self.last, self.running = None, False, time.time(), False
        self.on_tick = None   # fork mode: reaps the children that reported
        _thread.start_new_thread(self._loop, ())

    def begin(self, conn, reqid, out_fd):
        job = Job(conn, reqid, out_fd)
        self.running = True   # cleared by the worker once the script has ended
        with self.lock:
            self.job, self.last = job, job.start
            if self.parked:
                self.parked = False
                self.wake.release()

    def fds(self):
        job = self.job
        return [self.err] + ([job.out] if job is not None and job.out >= 0 else [])

    def finish(self, tail, timeout=None):
        """Once the worker closed its ends of the pipes: read stdout to EOF, then send the
        empty FCGI_STDOUT, what stderr holds, and tail. A timeout (os._exit) gives up
        waiting after it."""
        with self.lock:
            job, self.job = self.job, None
            mine = job is not None and job.owner is None
            if mine:
                job.owner = 'main'
        if job is None:
            return
        eos = record(FCGI_STDOUT, job.reqid, b'')
        if mine:   # a small response and END_REQUEST leave in one send
            deadline = None if timeout is None else time.time() + timeout
            out = drain(job, self.err, deadline, True)
            out.append(eos)
        elif acquire(self.done, timeout):
            out = [] if job.ended_early else [eos]   # the thread sent stdout (and maybe its end)
        else:
            job.conn.send(eos + tail, timeout)   # the thread still reads: stderr is its
            return
        if self.err_poll.poll(0):
            read_stderr(job, self.err, out)
        out.append(tail)
        job.conn.send(b''.join(out), timeout)

    def _loop(self):
        while True:
            with self.lock:
                job, now = self.job, time.time()
                take = job is not None and job.owner is None and now - job.start >= self.TICK
                if take:
                    job.owner = 'thread'
                park = self.parked = job is None and now - self.last > self.PARK_AFTER
            if take:
                try:
                    drain(job, self.err, None, False)
                    if self.running:
                        # Stdout ended while the script runs on (it closed fd 1, or the client
                        # left): its end ends the response now, after what stderr holds.
                        read_stderr(job, self.err, None)
                        job.conn.send(record(FCGI_STDOUT, job.reqid, b''))
                        job.ended_early = True
                    # ... and its stderr keeps flowing (a full pipe would block it) until it ends.
                    while self.running and self.job is job:
                        if self.err_poll.poll(self.TICK * 1000):
                            read_stderr(job, self.err, None)
                except BaseException:
                    log('output pump: ' + describe_exc())
                self.last = time.time()
                self.done.release()
            elif park:
                self.wake.acquire()
            else:
                if self.on_tick is not None:
                    try:
                        self.on_tick()
                    except Exception:
                        log('output pump: ' + describe_exc())
                time.sleep(self.TICK)


def drain(job, err, deadline, batch):
    """Read the job's stdout pipe to EOF (or the deadline), and stderr while stdout waits
    for its writers, sending records as they come -- or with batch, returning them and
    sending only every 64 KiB or before a wait for a writer left. Closes the stdout pipe. Streaming (not batch), it also
    watches the connection: FCGI_ABORT_REQUEST (the client left) closes the pipe at once,
    so the script's next write fails with EPIPE, as a CGI process's does once its reader
    is gone -- and the worker serves on."""
    out, reqid, conn = job.out, job.reqid, job.conn
    pending, size, poller = [], 0, None
    sock = -1 if batch else conn.sock.fileno()
    if sock >= 0:
        told = select.poll()   # the connection alone, for a look between records
        told.register(sock, select.POLLIN)
    try:
        while True:
            if sock >= 0 and (conn.buffered() or told.poll(0)) and aborted(job):
                return pending
            data = read_ready(out)
            if data is None:
                # A writer is left (the script still runs, or a child of it): what came so far
                # goes out now, as a CGI process's output would, then wait for both.
                if pending and batch:
                    conn.send(b''.join(pending))
                    pending, size = [], 0
                if poller is None:
                    poller = select.poll()
                    poller.register(out, select.POLLIN)
                    poller.register(err, select.POLLIN)
                    if sock >= 0:
                        poller.register(sock, select.POLLIN)
                wait = None if deadline is None else max(0.0, deadline - time.time()) * 1000
                events = retry(poller.poll, wait)
                if not events:
                    if deadline is None:
                        continue   # PyPy: a signal ended the poll early, with no event
                    return pending   # the deadline passed
                if any(fd == err for fd, _ in events):
                    size += read_stderr(job, err, pending if batch else None)
            else:
                if not data:
                    return pending
                rec = record(FCGI_STDOUT, reqid, data)
                if not batch:
                    conn.send(rec)
                    continue
                pending.append(rec)
                size += len(rec)
            if size >= MAX_CONTENT:   # batch: what waits is bounded
                conn.send(b''.join(pending))
                pending, size = [], 0
    finally:
        job.out = -1
        REAL_CLOSE(out)


def aborted(job):
    """What the server sent while the request runs: FCGI_ABORT_REQUEST, or its end."""
    try:
        rec = job.conn.read_record()
    except (socket.error, EnvironmentError):
        return True
    if rec is None or rec[:2] == (FCGI_ABORT_REQUEST, job.reqid):
        return True
    log('record of type %d ignored while a request runs' % rec[0])
    return False


def read_ready(fd):
    """What a non-blocking fd holds: bytes, b'' at EOF, None when a read would block."""
    while True:
        try:
            return os.read(fd, MAX_CONTENT)
        except EnvironmentError as e:
            if e.errno == errno.EAGAIN:
                return None
            if e.errno != errno.EINTR:
                raise


def read_stderr(job, err, pending):
    """What the (non-blocking) stderr pipe holds, as FCGI_STDERR records: appended to
    pending (returns their size), or sent when pending is None."""
    added = 0
    while True:
        data = read_ready(err)
        if not data:   # empty for now (None), or every writer gone (b'')
            return added
        rec = record(FCGI_STDERR, job.reqid, data)
        if pending is None:
            job.conn.send(rec)
        else:
            pending.append(rec)
            added += len(rec)
            if added >= MAX_CONTENT:
                return added   # the caller sends; the rest is read on the next round


# --- the request body ------------------------------------------------------------------------
class Body(object):
    """The body, read whole before the script starts (CGI hands the script all of it on
    fd 0): in memory up to PIPE_BODY_MAX, spooled to an unlinked temporary file beyond."""

    def __init__(self):
        self.chunks, self.size, self.fd = [], 0, -1

    def add(self, data):
        self.size += len(data)
        if self.fd < 0 and self.size > PIPE_BODY_MAX:
            self.spool()
        if self.fd >= 0:
            write_all(self.fd, data)
        else:
            self.chunks.append(data)

    def spool(self):
        for attempt in range(100):
            path = os.path.join(SPOOL_DIR, 'warmcgi-body-%d-%d-%d' % (
                os.getpid(), int(time.time() * 1e6), attempt))
            try:
                self.fd = cloexec(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600))
            except OSError as e:
                if e.errno == errno.EEXIST:
                    continue
                raise
            os.unlink(path)
            for chunk in self.chunks:
                write_all(self.fd, chunk)
            self.chunks = []
            return
        raise OSError(errno.EEXIST, 'no body spool file could be made in ' + SPOOL_DIR)

    def install(self):
        """Make the body fd 0. An empty body leaves fd 0 alone: it is /dev/null since the
        previous request ended."""
        if self.fd < 0 and self.size and not self.into_pipe():
            self.spool()   # the pipe holds less than the body (pipe-user-pages-soft...)
        if self.fd >= 0:
            os.lseek(self.fd, 0, 0)
            os.dup2(self.fd, 0)
        self.discard()

    def into_pipe(self):
        r, w = os.pipe()
        try:   # non-blocking: a small pipe must not make the worker wait forever
            fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)
            data = b''.join(self.chunks)
            try:
                done = os.write(w, data) == len(data)
            except EnvironmentError:
                done = False
            if done:
                os.dup2(r, 0)
            return done
        finally:
            REAL_CLOSE(r)
            REAL_CLOSE(w)

    def discard(self):
        if self.fd >= 0:
            REAL_CLOSE(self.fd)
        self.chunks, self.fd = [], -1


class Request(object):
    __slots__ = ('id', 'keep', 'params', 'body')

    def __init__(self, reqid, keep):
        self.id, self.keep, self.params, self.body = reqid, keep, [], Body()


# --- what the script sees ----------------------------------------------------------------
PY2_STDIO = (sys.stdin, sys.stdout, sys.stderr)


def py2_encoded(stream, like):
    """A new Python 2 file with the encoding the interpreter gave its own std stream (from
    PYTHONIOENCODING: a mapping's SetEnv starts its pool with it), as a CGI process's
    sys.stdin/stdout have -- os.fdopen gives none, and print u'caf\xe9' would then fail."""
    if like.encoding is not None:
        import ctypes
        set_encoding = ctypes.pythonapi.PyFile_SetEncodingAndErrors
        set_encoding.argtypes = [ctypes.py_object, ctypes.c_char_p, ctypes.c_char_p]
        set_encoding(stream, like.encoding, getattr(like, 'errors', None))
    return stream


class StdStreams(object):
    """The script's sys.stdin/stdout/stderr over fds 0-2, buffered as Python buffers them
    for pipes, with the encoding and errors the interpreter chose for itself at start.
    stdout and stderr hold nothing once flushed, nor does a stdin on /dev/null at EOF (an
    empty body), so those are used again -- unless the script closed, detached or
    reconfigured them; a stdin with a body is new (read-ahead, decoder state). Python 2
    reuses its own stdout/stderr (C stdio, whose close() leaves the fd open)."""

    def __init__(self):
        out = sys.__stdout__ or sys.stdout
        self.encoding = getattr(out, 'encoding', None) or 'utf-8'
        self.errors = getattr(out, 'errors', None) or 'strict'
        self.err_errors = getattr(sys.__stderr__, 'errors', None) or 'backslashreplace'
        self.cache = {}

    def open(self, unbuffered, io_encoding, empty_body):
        """-> ((stdin, stdout, stderr), the ones to close at the end of the request)"""
        if not PY3:
            stdin = py2_encoded(os.fdopen(0, 'r', 0 if unbuffered else -1), PY2_STDIO[0])
            stdout, stderr = PY2_STDIO[1], PY2_STDIO[2]
            if unbuffered or stdout.closed:   # closed by an earlier script: a new one
                stdout = py2_encoded(os.fdopen(cloexec(os.dup(1)), 'w', 0 if unbuffered else -1), PY2_STDIO[1])
            if stderr.closed:
                stderr = py2_encoded(os.fdopen(cloexec(os.dup(2)), 'w', 0), PY2_STDIO[2])
            stdout.softspace = 0
            streams = (stdin, stdout, stderr)
            return streams, [s for s in streams if s not in PY2_STDIO]
        encoding, errors = self.encoding, self.errors
        if io_encoding:   # PYTHONIOENCODING in the request's environment
            enc, _, errs = io_encoding.decode('ascii', 'replace').partition(':')
            try:   # named as CPython names it ('latin-1' -> 'iso8859-1')
                encoding = enc if PYPY else codecs.lookup(enc).name if enc else encoding
            except LookupError:
                pass
            errors = errs or errors
        key = (unbuffered, encoding, errors)
        stdin = self.cache.get(key + ('null',)) if empty_body else None
        if stdin is None or not self.intact(stdin, (encoding, errors, False, False)):
            stdin = self.text(0, '<stdin>', 'r', encoding, errors, False, False)
            if empty_body:
                self.cache[key + ('null',)] = stdin
        out = self.cache.get(key)
        if out is None or not all(self.intact(*pair) for pair in out):
            # CPython 3.9+ line-buffers a non-interactive stderr; 3.8 and PyPy do not.
            lines = not unbuffered and sys.version_info >= (3, 9) and not PYPY
            out = self.cache[key] = [
                (self.text(fd, name, 'w', encoding, errs, lb, unbuffered),
                 (encoding, errs, lb, unbuffered))
                for fd, name, errs, lb in ((1, '<stdout>', errors, False),
                                           (2, '<stderr>', self.err_errors, lines))]
        return (stdin, out[0][0], out[1][0]), (() if empty_body else (stdin,))

    def forget(self):
        """Drop the cached streams, and with them what a failed flush left in their buffers:
        a later close (a finalizer; PyPy's collector) must not flush it into whatever fd 1 is
        by then, another request's pipe. A buffer over a closed raw never writes again."""
        for value in self.cache.values():
            for stream in ([pair[0] for pair in value] if isinstance(value, list) else [value]):
                try:
                    stream.buffer.raw.close()   # closefd=False: the fd itself stays open
                except Exception:
                    pass   # unbuffered: no buffer to hold anything
        self.cache.clear()

    @staticmethod
    def text(fd, name, mode, encoding, errors, line_buffering, unbuffered):
        # Buffered as this interpreter buffers its own std streams (io.open's rule: for a pipe
        # st_blksize, 4 KiB, on 3.11): a script that prints, then runs a child writing to
        # fd 1, has the child's line land where it lands under CGI.
        buf = io.open(fd, mode + 'b', 0 if unbuffered and mode == 'w' else -1, closefd=False)
        raw = getattr(buf, 'raw', buf)
        raw.name = name
        stream = io.TextIOWrapper(buf, encoding, errors, '\n', line_buffering, unbuffered)
        stream.mode = mode
        return stream

    @staticmethod
    def intact(stream, settings):
        """Open, as configured, and with nothing of a script's on it (sys.stdout.write = tee:
        the tee would outlive its script, and fail in every later request)."""
        try:
            return not stream.closed and len(vars(stream)) == 1 and settings == (
                stream.encoding, stream.errors, stream.line_buffering, stream.write_through)
        except Exception:   # detached
            return False


def as_read_from_a_file(source, path):
    """The source as the interpreter reads a script file, where that differs from compile()
    of its bytes: CPython up to 3.11 ends a line at a NUL byte, taking the line's newline with
    it (the next line joins the cut one), where compile() refuses the NUL; Python 2 refuses a
    non-ASCII byte in a file without a coding declaration (PEP 263), which compile() lets
    through."""
    if b'\0' in source and not PYPY and sys.version_info < (3, 12):
        while True:
            nul = source.find(b'\0')
            if nul < 0:
                break
            end = source.find(b'\n', nul)
            source = source[:nul] + (b'' if end < 0 else source[end + 1:])
    if not PY3 and not source.startswith(codecs.BOM_UTF8) and max(bytearray(source) or [0]) > 127:
        head = source.split(b'\n', 2)[:2]
        if not any(line.lstrip(b' \t\f').startswith(b'#') and (b'coding:' in line or b'coding=' in line)
                   for line in head):
            for number, line in enumerate(source.split(b'\n'), 1):
                high = [byte for byte in bytearray(line) if byte > 127]
                if high:
                    raise SyntaxError("Non-ASCII character '\\x%02x' in file %s on line %d, but no "
                                      "encoding declared; see http://python.org/dev/peps/pep-0263/ "
                                      "for details" % (high[0], path, number))
    return source


def shebang_unbuffered(source):
    """True when the script's #! line passes -u (alone or among other short options)."""
    if not source.startswith(b'#!'):
        return False
    for word in source.split(b'\n', 1)[0].split()[1:]:
        if word.startswith(b'-') and not word.startswith(b'--'):
            for ch in bytearray(word[1:]):
                if ch == ord('u'):
                    return True
                if chr(ch) in 'WXcmQ':   # options whose argument follows
                    break
    return False


def unquote_bytes(word):
    parts = word.split(b'%')
    out = [parts[0]]
    for part in parts[1:]:
        try:
            out.append(bytes(bytearray([int(part[:2], 16)])) + part[2:])
        except ValueError:
            out.append(b'%' + part)
    return b''.join(out)


SHELL_SPECIAL = frozenset(bytearray(b'&;`\'"|*?~<>^()[]{}$\\\n'))


def shell_escaped(word):
    """A backslash before each shell metacharacter, as Apache's ap_escape_shell_cmd."""
    octets = bytearray(word)
    if not SHELL_SPECIAL.intersection(octets):
        return word
    out = bytearray()
    for octet in octets:
        if octet in SHELL_SPECIAL:
            out.append(0x5C)
        out.append(octet)
    return bytes(out)


def isindex_args(query):
    """RFC 3875 4.4: a query without an unencoded '=' gives the script command-line words,
    each with a backslash before every shell metacharacter, as Apache's ap_escape_shell_cmd
    makes them."""
    if not query or b'=' in query:
        return []
    # A C string ends at its first NUL: so does each argv word of a CGI process (%00).
    return [fsdecode(shell_escaped(unquote_bytes(word).partition(b'\0')[0]))
            for word in query.split(b'+')]


def coerced_locale():
    """PEP 538: CPython 3.7+ started in the C locale exports LC_CTYPE=C.UTF-8, so a script
    started by a CGI server without a locale sees it in os.environ, and so do its children.
    The worker was started that way too: the value it got is the one to give scripts.
    (Request params, like os.environ's storage, are bytes on Python 3.)"""
    if not PY3:
        return None
    env = os.environb
    if b'LC_CTYPE' in env and not env.get(b'LC_ALL') and env.get(b'LANG', b'C') in (b'', b'C', b'POSIX'):
        return env[b'LC_CTYPE']
    return None


COERCED_LC_CTYPE = coerced_locale()


def with_interpreter_additions(params):
    """What a fresh interpreter would add to a CGI environment of exactly these params."""
    if (COERCED_LC_CTYPE is not None and b'LC_ALL' not in params and b'LC_CTYPE' not in params
            and params.get(b'LANG', b'C') in (b'', b'C', b'POSIX')):
        params = dict(params)
        params[b'LC_CTYPE'] = COERCED_LC_CTYPE
    return params


# Variables a script set or unset in the C environment itself (os.putenv, os.unsetenv), out
# of os.environ's sight: its children saw them, and the next request's must not.
ENV_TOUCHED = set()


def noting_env(key, *value):
    ENV_TOUCHED.add(key if isinstance(key, bytes) else
                    key.encode(FS_ENCODING, 'surrogateescape' if PY3 else 'strict'))
    if not PY3 and key == 'TZ' and value and time_not_imported_yet():
        # A Python 2 process imports time when its script does, and reads TZ then: a TZ set
        # before that import is the zone of time.timezone and of the script's local dates.
        # The worker's time is loaded already: it reads TZ now (and the next request its own).
        REAL_PUTENV(key, value[0])
        time.tzset()


# Modules a Python 2 script may import before setting TZ that do not import time.
TIME_FREE = frozenset(('os', 'sys', 'string', 're', 'errno', 'stat', 'types', 'posixpath',
                       'os.path', '__builtin__', 'codecs', 'locale'))


def time_not_imported_yet():
    """Whether, as far as the script's globals tell, its own process would not have
    imported time yet: it imported only modules that do not (cgi, email... all do)."""
    main = sys.modules.get('__main__')
    return all(value.__name__ in TIME_FREE for value in getattr(main, '__dict__', {}).values()
               if isinstance(value, type(sys)))


REAL_PUTENV = watch(os, 'putenv', noting_env)
REAL_UNSETENV = watch(os, 'unsetenv', noting_env)


def set_environ(params):
    """os.environ := exactly params, changing the existing object (cgi binds os.environ at
    import) and with it the C environment that children inherit. Works on the mapping's
    encoded storage, touching only the variables that differ."""
    env = os.environ
    data = getattr(env, '_data' if PY3 else 'data', None)
    for key in ENV_TOUCHED:   # unknown in C: unset, and set again below if params has it
        REAL_UNSETENV(key)
        if isinstance(data, dict):
            data.pop(key, None)
    ENV_TOUCHED.clear()
    if not isinstance(data, dict):
        env.clear()
        env.update((fsdecode(k), fsdecode(v)) for k, v in params.items())
        return
    for key in (data.keys() - params.keys() if PY3 else [k for k in data if k not in params]):
        REAL_UNSETENV(key)
        del data[key]
    for key, value in params.items():
        if data.get(key) != value:
            try:
                REAL_PUTENV(key, value)
            except ValueError:   # '=' in a name or a NUL byte: no process could see it
                continue
            data[key] = value


def refresh_environ_copies():
    """What resident modules copied of os.environ when imported, as this request's own import
    would have copied it: wsgiref's BaseHandler.os_environ, the base environment of every
    BaseCGIHandler -- else one user's HTTP_COOKIE would reach the next user's WSGI app."""
    handlers = sys.modules.get('wsgiref.handlers')
    if handlers is not None:
        read = getattr(handlers, 'read_environ', None)   # Python 3's; 2.7 copies os.environ
        handlers.BaseHandler.os_environ = read() if read else dict(os.environ.items())


# --- running a script, and what interpreter shutdown does ---------------------------------
def exit_status(code):
    """The exit status the interpreter gives for SystemExit(code)."""
    if code is None:
        return 0
    if isinstance(code, INT_TYPES):
        return code & 0xFF
    write_stderr('%s\n' % (code,))
    return 1


def write_stderr(text):
    try:
        sys.stderr.write(text)
        sys.stderr.flush()
    except Exception:
        try:
            os.write(2, text.encode('utf-8', 'backslashreplace') if PY3 else text)
        except Exception:
            pass


def report_exception(etype, value, tb):
    """An uncaught exception as the interpreter reports it: sys.last_*, then sys.excepthook
    (so cgitb.enable() works), and the default hook if that one fails."""
    sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
    if sys.version_info >= (3, 12):
        sys.last_exc = value
    try:
        sys.excepthook(etype, value, tb)
    except BaseException:
        try:
            write_stderr('Error in sys.excepthook:\n')
            sys.__excepthook__(*sys.exc_info())
            write_stderr('\nOriginal exception was:\n')
            sys.__excepthook__(etype, value, tb)
        except BaseException:
            pass


def run_main(code, namespace):
    """exec the script's code; returns its exit status."""
    if not PY3:
        sys.exc_clear()   # else the script would see the worker's last handled exception
    try:
        exec(code, namespace)
        flush_line()
        return 0
    except SystemExit as e:
        flush_line()
        return exit_status(e.code)
    except BaseException:
        flush_line()
        etype, value, tb = sys.exc_info()
        tb = tb.tb_next   # without the worker's frame (Python 3 prints value's own)
        if PY3:
            value.__traceback__ = tb
        report_exception(etype, value, tb)
        if etype is KeyboardInterrupt and PY3:
            return 130   # Python 3.8+ dies of the SIGINT; 128 + 2 is how that reads
        return 1


def join_new_threads(before):
    """Shutdown waits for non-daemon threads; so does the end of a request."""
    me = threading.current_thread()
    while threading.active_count() > 1:
        pending = [t for t in threading.enumerate()
                   if t not in before and t is not me and not t.daemon]
        if not pending:
            return
        for thread in pending:
            thread.join()


def run_atexit():
    """Run the handlers registered during the request, then forget them."""
    if PY3:
        if atexit._ncallbacks():
            atexit._run_exitfuncs()
            atexit._clear()
            # weakref.finalize's exit hook marks the process as shutting down: later
            # requests' finalizers would never run (TemporaryDirectory left behind...).
            finalize = getattr(sys.modules.get('weakref'), 'finalize', None)
            if finalize is not None and getattr(finalize, '_shutdown', False):
                finalize._shutdown = finalize._registered_with_atexit = False
        return
    exitfunc = getattr(sys, 'exitfunc', None)
    try:
        if exitfunc is not None and exitfunc is not atexit._run_exitfuncs:
            exitfunc()   # Python 2 scripts may set sys.exitfunc themselves
        if atexit._exithandlers:
            atexit._run_exitfuncs()   # prints errors, then re-raises the last one
    except BaseException:
        pass
    del atexit._exithandlers[:]


# Exit hooks of resident stdlib modules, registered once at import: run for every request
# (concurrent.futures joins its workers along with the threads; multiprocessing ends its
# children and finalizers after atexit), then the flag they set is cleared for later ones.
STDLIB_EXIT_HOOKS = (('threads', 'concurrent.futures.thread', '_python_exit', '_shutdown'),
                     ('threads', 'concurrent.futures.process', '_python_exit',
                      '_global_shutdown'),
                     ('atexit', 'multiprocessing.util', '_exit_function', '_exiting'))


def stdlib_exit_hooks(phase):
    for when, name, hook, flag in STDLIB_EXIT_HOOKS:
        module = sys.modules.get(name)
        if module is None or not hasattr(module, hook):
            continue
        if when == phase and not getattr(module, flag, False):
            getattr(module, hook)()
        if getattr(module, flag, False):
            setattr(module, flag, False)


def flush_line():
    """Python 2 ends a script's run as it ends a line: a pending `print x,` gets its newline."""
    if PY3:
        return
    try:
        if getattr(sys.stdout, 'softspace', 0):
            sys.stdout.write('\n')
            sys.stdout.softspace = 0
    except Exception:
        pass


def clear_module(namespace, objects_first=False):
    """A module's teardown: its globals go, __builtins__ stays -- a __del__ that runs
    meanwhile (a session saving itself) still has open() and print(), as at exit. With
    objects_first (a Python 3 script's __main__), the objects go first, the last made
    first, while the imports, functions, classes and constants they may use are still
    there: CPython 3 ends __main__ in its last collection, all its globals intact."""
    if objects_first:
        for name in [n for n, v in namespace.items() if not isinstance(v, DEFINITIONS)][::-1]:
            namespace.pop(name, None)   # its __del__ runs now, if nothing else holds it
    held = list(namespace.values())
    if PYPY:
        # PyPy keeps a module's globals in cells that compiled code caches: cleared, the
        # dict lets go of them, a cached cell does not (a file left open stayed open, and
        # locked, until its script next ran). Emptied first, the cells hold nothing.
        for name in held and list(namespace):
            namespace[name] = None
    namespace.clear()
    namespace['__builtins__'] = builtins
    del held[:]   # the objects go now, builtins still at hand


# What a script's __del__ may use at its end: its imports, functions, classes and constants.
DEFINITIONS = (type(sys), type(clear_module), type(len), type, str, bytes, int, float, complex,
               bool, type(None), tuple, frozenset)


def flush_std():
    """Flush sys.stdout and sys.stderr; False when stdout failed."""
    ok = True
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            ok = ok and stream is not sys.stdout
    return ok


# --- process state between requests --------------------------------------------------------
def py2_setdefaultencoding():
    """Python 2's sys.setdefaultencoding, which site.py deletes at start-up: reload(sys)
    brings it back (as a script's reload does); sys's other attributes are put back as
    they were."""
    saved = dict(sys.__dict__)
    try:
        reload(sys)   # noqa: F821 -- a builtin on Python 2
        return sys.setdefaultencoding
    finally:
        for name in [n for n in sys.__dict__ if n not in saved]:
            del sys.__dict__[name]
        sys.__dict__.update(saved)


class ProcessState(object):
    """Process-wide state as the worker has it between requests, put back after each
    request with cheap checks first. What is costly to look for is noted as it happens by
    wrappers put for good around signal.signal/alarm/setitimer and _locale.setlocale."""
    SET_PER_REQUEST = ('argv', 'stdin', 'stdout', 'stderr', '__stdin__', '__stdout__',
                       '__stderr__')
    SYS_ATTRS = ('path', 'meta_path', 'path_hooks', 'excepthook', 'displayhook',
                 'unraisablehook', 'breakpointhook', 'exitfunc', 'dont_write_bytecode',
                 'tracebacklimit', 'ps1', 'ps2', 'last_type', 'last_value', 'last_traceback',
                 'last_exc')
    # Monkey-patching (gettext.install() adding _ to builtins, PySocks replacing
    # socket.socket, os.environ rebound...) would outlive the request.
    PATCHED = ((warnings, ('filters', 'showwarning', 'formatwarning', 'onceregistry')),
               (threading, ('_trace_hook', '_profile_hook')),
               (os, ('environ', '_exit', 'fork', 'forkpty')),
               (socket, ('socket', 'create_connection', 'getaddrinfo')))
    PATCHED_BUILTINS = ('open', 'print', 'input', '__import__', 'exit', 'quit')
    # Globals of resident modules that scripts set for the whole process, with the value a
    # fresh process has: an upload limit (as cgi's docs suggest) would refuse the next
    # script's forms; urlopen()'s installed opener (made afresh at first use) would send
    # the next script's requests through another's proxy or User-Agent; gettempdir()
    # caches, and the next request's TMPDIR may differ.
    FRESH_GLOBALS = (('cgi', 'maxlen', 0), ('urllib.request', '_opener', None),
                     ('urllib2', '_opener', None), ('urllib', '_urlopener', None),
                     ('tempfile', 'tempdir', None))

    def __init__(self):
        self.main = sys.modules['__main__']
        self.sys_names = frozenset(sys.__dict__)
        self.thread = threading.current_thread()
        self.thread_name = self.thread.name
        faulthandler = sys.modules.get('faulthandler')   # loaded at start-up by -X faulthandler
        self.faulthandler_on = faulthandler is not None and faulthandler.is_enabled()
        self.startup_zips = frozenset(getattr(sys.modules.get('zipimport'), '_zip_directory_cache', ()))
        self.per_request = [(a, getattr(sys, a)) for a in self.SET_PER_REQUEST]
        # Attributes a script may rebind, sys's and the PATCHED modules', in one list.
        self.attrs = snapshot_attrs(sys.__dict__, self.SYS_ATTRS)
        self.path, self.meta_path = list(sys.path), list(sys.meta_path)
        self.path_hooks = list(sys.path_hooks)
        self.importer_cache = dict(sys.path_importer_cache)
        here = os.path.dirname(os.path.realpath(__file__))
        self.path_rest = self.path[1:] if self.path and os.path.realpath(
            self.path[0] or '.') == here else list(self.path)
        getset = [(sys.getrecursionlimit, sys.setrecursionlimit),
                  (socket.getdefaulttimeout, socket.setdefaulttimeout),
                  (sys.gettrace, sys.settrace), (sys.getprofile, sys.setprofile),
                  # gc.disable() "for speed" must not leave the worker collecting nothing
                  (gc.isenabled, lambda on: gc.enable() if on else gc.disable())]
        if hasattr(sys, 'getdlopenflags'):   # RTLD_GLOBAL for a C extension's sake
            getset.append((sys.getdlopenflags, sys.setdlopenflags))
        # threading.stack_size(): called bare it returns the size and puts back the default,
        # a fresh process's 0 -- the getter restores as it looks.
        getset.append((_thread.stack_size, _thread.stack_size))
        if hasattr(gc, 'get_threshold'):   # not on PyPy
            getset += [(gc.get_threshold, lambda limits: gc.set_threshold(*limits)),
                       (gc.get_debug, gc.set_debug)]
        if not PY3:   # reload(sys); sys.setdefaultencoding('utf-8'): the classic idiom
            getset.append((sys.getdefaultencoding, py2_setdefaultencoding()))
        self.gc_callbacks = list(getattr(gc, 'callbacks', ()))
        for get, put in (('getswitchinterval', 'setswitchinterval'),
                         ('get_int_max_str_digits', 'set_int_max_str_digits'),
                         ('getcheckinterval', 'setcheckinterval')):
            if hasattr(sys, get):
                getset.append((getattr(sys, get), getattr(sys, put)))
        self.getset = [(get, put, get()) for get, put in getset]
        self.builtins = dict(builtins.__dict__)
        self.patched_builtins = tuple(map(self.builtins.get, self.PATCHED_BUILTINS))
        for module, names in self.PATCHED:
            self.attrs += snapshot_attrs(module.__dict__, names)
        warnings.filters[:] = FRESH_WARNING_FILTERS   # from the first request on
        self.filters_mutated = getattr(warnings, '_filters_mutated', None)
        self.umask = os.umask(0o22)
        os.umask(self.umask)
        self.getsignal = getattr(sys.modules.get('_signal'), 'getsignal', signal.getsignal)
        self.handlers, self.changed_signals, self.timers_set = {}, set(), False
        self.real_signal = watch(signal, 'signal', self.noting_signal)
        # The main thread's signal mask is inherited by every child a later request starts:
        # a SIGTERM blocked by one script made the next one's Popen.terminate() do nothing.
        self.real_sigmask, self.sigmask_set = getattr(signal, 'pthread_sigmask', None), False
        if self.real_sigmask is not None:
            self.sigmask = self.real_sigmask(signal.SIG_BLOCK, [])
            watch(signal, 'pthread_sigmask', self.noting_sigmask)
        self.real_set_wakeup_fd = watch(signal, 'set_wakeup_fd', self.noting_wakeup_fd)
        self.wakeup_fd_set = False
        self.real_setitimer = watch(signal, 'setitimer', self.noting_timer)
        watch(signal, 'alarm', self.noting_timer)
        self.locale, self.locale_set = None, False
        if _locale is not None:
            self.locale = _locale.setlocale(_locale.LC_ALL)
            self.real_setlocale = watch(_locale, 'setlocale', self.noting_locale)
            if 'locale' in sys.modules:   # imported before us (sitecustomize...)
                sys.modules['locale']._setlocale = _locale.setlocale

    def noting_signal(self, signalnum, handler=None):
        if signalnum not in self.handlers:
            self.handlers[signalnum] = self.getsignal(signalnum)
        self.changed_signals.add(signalnum)

    def noting_sigmask(self, how, mask):
        self.sigmask_set = True   # a thread's own mask ends with it; putting back costs one call

    def noting_wakeup_fd(self, fd, *args, **kwargs):
        self.wakeup_fd_set = True

    def noting_timer(self, *args, **kwargs):
        self.timers_set = True

    def noting_locale(self, category, locale=None):
        self.locale_set = self.locale_set or locale is not None

    def restore_signals(self):
        if self.timers_set:   # an alarm must not outlive its request
            self.timers_set = False
            for which in (signal.ITIMER_REAL, signal.ITIMER_VIRTUAL, signal.ITIMER_PROF):
                self.real_setitimer(which, 0)
        if self.sigmask_set:
            self.sigmask_set = False
            self.real_sigmask(signal.SIG_SETMASK, self.sigmask)
        if self.wakeup_fd_set:   # its fd number may be closed and reused once the request is over
            self.wakeup_fd_set = False
            self.real_set_wakeup_fd(-1)
        while self.changed_signals:
            signum = self.changed_signals.pop()
            handler = self.handlers[signum]
            if handler is not None and self.getsignal(signum) != handler:
                try:
                    self.real_signal(signum, handler)
                except (ValueError, OSError, RuntimeError):
                    pass

    def restore(self):
        for name, value in self.per_request:   # always set by the worker: no compare
            setattr(sys, name, value)
        restore_attrs(self.attrs)
        names = sys.__dict__
        if len(names) != len(self.sys_names):   # sys.tracebacklimit, py2's setdefaultencoding...: not in a fresh sys
            for name in [n for n in names if n not in self.sys_names]:
                del names[name]
        for current, saved in ((sys.path, self.path), (sys.meta_path, self.meta_path),
                               (sys.path_hooks, self.path_hooks)):
            if current != saved:
                list.__setitem__(current, slice(None), saved)   # not an insertion to watch
        # Finders a request's imports cached: keyed by path as written, so a relative
        # 'lib' (or a folder missing then, cached as nothing there) would serve the next
        # script from another folder.
        cache = sys.path_importer_cache
        if len(cache) != len(self.importer_cache):
            for key in [k for k in cache if k not in self.importer_cache]:
                del cache[key]
        for get, put, value in self.getset:
            if get() != value:
                put(value)
        if gc.garbage:   # what gc.set_debug(gc.DEBUG_SAVEALL) kept: a fresh process has none
            del gc.garbage[:]
        callbacks = getattr(gc, 'callbacks', None)
        if callbacks is not None and callbacks != self.gc_callbacks:
            callbacks[:] = self.gc_callbacks
        current = builtins.__dict__
        if len(current) != len(self.builtins) or tuple(
                map(current.get, self.PATCHED_BUILTINS)) != self.patched_builtins:
            for name in [n for n in current if n not in self.builtins]:
                del current[name]
            current.update(self.builtins)
        if warnings.filters != FRESH_WARNING_FILTERS:
            warnings.filters[:] = FRESH_WARNING_FILTERS
        warnings.onceregistry.clear()
        if self.filters_mutated:   # stale __warningregistry__s: warnings show once again
            self.filters_mutated()
        os.umask(self.umask)
        if self.locale_set:
            self.locale_set = False
            self.real_setlocale(_locale.LC_ALL, self.locale)
        asyncio = sys.modules.get('asyncio')
        if asyncio is not None:   # a fresh process has no event loop yet
            asyncio.set_event_loop_policy(None)
        for name, attr, fresh in self.FRESH_GLOBALS:
            module = sys.modules.get(name)
            if module is not None and getattr(module, attr, fresh) != fresh:
                setattr(module, attr, fresh)
        csv = sys.modules.get('_csv')
        if csv is not None and csv.field_size_limit() != CSV_FIELD_LIMIT:
            csv.field_size_limit(CSV_FIELD_LIMIT)
        if self.thread.name != self.thread_name:   # shown as logging's threadName
            self.thread.name = self.thread_name
        faulthandler = sys.modules.get('faulthandler')
        if faulthandler is not None:
            # A watchdog one request armed (dump_traceback_later(exit=True)) would end a later
            # one on this worker; a fresh process has none, and faulthandler off.
            faulthandler.cancel_dump_traceback_later()
            if faulthandler.is_enabled() and not self.faulthandler_on:
                faulthandler.disable()
        ssl = sys.modules.get('ssl')
        if ssl is not None and getattr(ssl, '_create_default_https_context', None) is getattr(
                ssl, '_create_unverified_context', MISSING):
            # A script that "fixed" a self-signed API turned certificate checks off for
            # every later script's HTTPS call: on again, as in a fresh process.
            ssl._create_default_https_context = ssl.create_default_context
        zip_indexes = getattr(sys.modules.get('zipimport'), '_zip_directory_cache', None)
        if zip_indexes:   # an app's lib.zip, rebuilt since, must not be read with its old index
            for archive in [a for a in zip_indexes if a not in self.startup_zips]:
                del zip_indexes[archive]


class RandomGuard(object):
    """A script's random.seed(42) must not make the next script's "random" numbers
    predictable: once random is loaded, seed() and setstate() note that they were called,
    and the next request reseeds from urandom (cheaper than reseeding every time)."""

    def __init__(self):
        self.module, self.real_seed, self.seeded = None, None, False

    def check(self):
        random = sys.modules.get('random')
        if random is None:
            return
        if random is not self.module:
            self.module, self.seeded = random, True   # who knows what happened before
            self.real_seed = watch(random, 'seed', self.noting)
            watch(random, 'setstate', self.noting)
        if self.seeded:
            self.real_seed(int(binascii.hexlify(os.urandom(16)), 16))
            self.seeded = False

    def noting(self, *args, **kwargs):
        self.seeded = True


class WatchedPath(list):
    """sys.path, telling the worker of an entry a script puts ahead of the stdlib and
    site-packages (sys.path.insert(0, 'vendor'), as apps vendor six or simplejson): a fresh
    process's `import six` would find that folder's copy, not the one a resident worker
    already has loaded."""
    __slots__ = ()
    on_insert = staticmethod(lambda index, entry: None)

    def insert(self, index, entry):
        list.insert(self, index, entry)
        if index < 0:   # where list.insert put it
            index = max(0, len(self) - 1 + index)
        self.on_insert(min(index, len(self) - 1), entry)

    def __setslice__(self, i, j, value):   # Python 2's sys.path[0:0] = [...]
        self.__setitem__(slice(i, j), value)

    def __setitem__(self, key, value):
        if isinstance(key, slice):
            value = list(value)
            list.__setitem__(self, key, value)
            start = key.indices(len(self))[0]
            for i, entry in enumerate(value):
                self.on_insert(start + i, entry)
        else:
            list.__setitem__(self, key, value)
            self.on_insert(key, value)


class ModuleGuard(object):
    """sys.modules across requests: what a request imported from outside the stdlib and
    site-packages -- the application's own modules, typically beside the script -- is
    forgotten afterwards, so the next request imports it afresh as a new CGI process
    would. With keep_app those stay loaded too, until one of their files or the script
    folder changes."""

    def __init__(self, keep_app):
        self.prefixes = resident_prefixes()
        self.keep_app, self.kept, self.kept_dir = keep_app, {}, None
        self.folders, self.aside = {}, {}
        self.grew = False   # new resident modules: worth a gc.freeze()
        self.unloadable = set()
        self.rebase()

    def rebase(self):
        self.base, self.base_last = sys.modules.copy(), last_key(sys.modules)

    def check_kept(self, folder):
        """Keep mode, before a request: drop every kept module when the script folder
        changed (the same names may mean other files) or when one of their files did."""
        stale = folder != self.kept_dir
        self.kept_dir = folder
        for name, stamp in self.kept.items():
            if stale or (stamp[0] and module_stamp(sys.modules.get(name)) != stamp):
                stale = True
                break
        if stale and self.kept:
            for name in self.kept:
                sys.modules.pop(name, None)
            self.kept = {}
            self.rebase()

    def step_aside(self, folder):
        """Modules beside the script named like loaded ones (calendar.py, html.py): under
        CGI the script's folder comes first in sys.path, so `import calendar` finds the
        app's file. The loaded module of that name, and its submodules, step aside for
        the request; after_request puts them back."""
        mods = sys.modules
        for name in self.module_names(folder):
            # (An app module kept loaded, KeepAppModules, is this very file: it stays.)
            if name in mods and self.is_resident(name, mods[name]):
                for key in [k for k in mods if k == name or k.startswith(name + '.')]:
                    self.aside[key] = mods.pop(key)

    def path_inserted(self, index, entry):
        """An entry inserted into sys.path: if it comes before the stdlib and site-packages
        folders, the loaded modules it holds a file of step aside, as for the script's folder."""
        path = sys.path
        if not isinstance(entry, str) or not entry:
            return
        if index < 0:
            index += len(path)
        entry = os.path.abspath(entry)   # 'lib' is the script's: cached by its real place
        for i, p in enumerate(path):
            if isinstance(p, str) and os.path.join(p, '').startswith(self.prefixes):
                if index < i:
                    self.step_aside(entry)
                return

    def module_names(self, folder):
        """The importable names a folder holds (x.py, x/__init__.py) that no start-up
        module has, cached until the folder's mtime changes (a file added or removed)."""
        try:
            mtime = os.stat(folder).st_mtime
        except OSError:
            return ()
        cached = self.folders.get(folder)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        names = set()
        try:
            for entry in os.listdir(folder):
                stem, ext = os.path.splitext(entry)
                if ext == '.py' or not ext and os.path.isfile(
                        os.path.join(folder, entry, '__init__.py')):
                    names.add(stem)
        except OSError:
            pass
        if len(self.folders) >= CODE_CACHE_MAX:
            self.folders.clear()
        names = tuple(names - STARTUP_MODULES)
        self.folders[folder] = (mtime, names)
        return names

    def drop_app_modules(self):
        """Interpreter shutdown for the app's own modules a request imported, while fds 0-2
        are still its own: out of sys.modules and their globals cleared, the last imported
        first, as the interpreter clears modules at exit -- so what they hold (a log file
        not yet flushed, a stream over stdout, a lock, a database transaction) is flushed,
        closed or rolled back now, into this response, as when a CGI process exits. Left
        to the collector, io objects in a cycle are finalized in no set order (a text
        file's pending lines are lost when its buffer goes first: bpo-17852), and until
        then they hold their locks for later requests. after_request does the rest."""
        mods, base = sys.modules, self.base
        if self.keep_app or len(mods) == len(base) and (
                last_key(mods) == self.base_last if PY3 else mods == base):
            return
        new = [name for name in mods if name not in base]   # in import order (Python 3)
        dropped = []
        for name in new:
            module = mods[name]
            if not self.is_resident(name, module):
                del mods[name]
                dropped.append(module)
        for module in reversed(dropped):
            if isinstance(module, type(sys)):
                clear_module(module.__dict__)

    def after_request(self):
        mods, base = sys.modules, self.base
        shadowed = bool(self.aside)
        if shadowed:   # the modules that stepped aside for the app's own of their name
            mods.update(self.aside)
            self.aside = {}
        if len(mods) == len(base) and (last_key(mods) == self.base_last if PY3
                                       else mods == base):
            return   # nothing imported (a new module would be the last key): the usual case
        kept = 0
        for name in (mods.keys() - base.keys() if PY3 else mods.viewkeys() - base.viewkeys()):
            module = mods[name]
            if shadowed and not self.keep_app:
                # A stdlib module first imported beside the app's calendar.py may hold that
                # one (email._parseaddr's calendar): it must not stay for other requests.
                del mods[name]
                continue
            if self.is_resident(name, module):
                self.grew = True
            elif self.keep_app:
                self.kept[name] = module_stamp(module)
            else:
                del mods[name]
                continue
            kept += 1
        if len(mods) != len(base) + kept:   # the script deleted some: put them back
            for name, module in base.items():
                mods.setdefault(name, module)
        self.rebase()

    def preload(self, names):
        """Fork mode: import, here in the parent, the stdlib and site-packages modules a
        child imported, so that the next children find them loaded (between requests: fds
        0-2 are /dev/null; restore() then undoes what an import changed). One that fails
        here is not tried again."""
        for name in names:
            if name not in sys.modules and name not in self.unloadable:
                try:
                    __import__(name)
                except BaseException:
                    self.unloadable.add(name)
                    log('fork mode: %s stays unloaded: %s' % (name, describe_exc()))

    def is_resident(self, name, module):
        path = getattr(module, '__file__', None)
        if path:
            return isinstance(path, str) and path.startswith(self.prefixes)
        paths = getattr(module, '__path__', None)   # a namespace package
        if paths is not None:
            try:
                paths = list(paths)
            except Exception:
                return False
            return bool(paths) and all(isinstance(p, str) and p.startswith(self.prefixes)
                                       for p in paths)
        if name in sys.builtin_module_names or getattr(
                getattr(module, '__spec__', None), 'origin', None) in ('built-in', 'frozen'):
            return True
        parent = name.rpartition('.')[0]   # six.moves.*, Python 2's None entries...
        return bool(parent) and parent in sys.modules and self.is_resident(
            parent, sys.modules[parent])


def resident_prefixes():
    """Folders whose modules stay loaded: the stdlib and site-packages, i.e. the start-up
    sys.path without the worker's folder and PYTHONPATH's (those are the application's)."""
    here = os.path.dirname(os.path.realpath(__file__))
    app = set([here] + [os.path.abspath(p) for p in
                        os.environ.get('PYTHONPATH', '').split(os.pathsep) if p])
    folders = set([os.path.dirname(os.path.abspath(os.__file__))])
    folders.update(p for p in sys.path if p and os.path.isabs(p)
                   and os.path.abspath(p) not in app)
    try:
        import site
        folders.update(site.getsitepackages())
        folders.add(site.getusersitepackages())
    except Exception:
        pass
    prefixes = set()
    for folder in folders:
        if folder and folder != '/':
            prefixes.add(os.path.join(folder, ''))
            prefixes.add(os.path.join(os.path.realpath(folder), ''))
    return tuple(sorted(prefixes))


def module_stamp(module):
    path = getattr(module, '__file__', None)
    if path and path.endswith(('.pyc', '.pyo')) and os.path.exists(path[:-1]):
        path = path[:-1]   # Python 2 keeps the .pyc beside the source
    try:
        return path, os.stat(path).st_mtime
    except Exception:
        return path, None


class LoggingGuard(object):
    """Once a script imported logging it stays loaded; this keeps it looking fresh: the
    handlers a request created are flushed and closed at its end, the loggers it created
    are forgotten -- except those named after resident modules, which hold them: those are
    reset to a pristine state -- and every kept logger gets its state back."""

    def __init__(self):
        self.module, self.base_dict, self.base_state = None, {}, {}

    @staticmethod
    def handler_ids():
        lg = sys.modules.get('logging')
        return None if lg is None else set(map(id, lg._handlerList))

    @staticmethod
    def close_new_handlers(before):
        lg = sys.modules.get('logging')
        for ref in reversed(list(lg._handlerList)):
            handler = ref() if id(ref) not in (before or ()) else None
            if handler is not None and not isinstance(handler, lg.NullHandler):
                try:
                    handler.acquire()
                    handler.flush()
                    handler.close()
                except Exception:
                    pass
                finally:
                    handler.release()

    @staticmethod
    def state(logger):
        return (logger.level, logger.propagate, logger.disabled, list(logger.handlers),
                list(logger.filters))

    def restore(self):
        lg = sys.modules.get('logging')
        if lg is None:
            return
        if lg is not self.module:   # first seen: a fresh process's root logger
            probe = lg.Logger('warmcgi')   # a new logger's defaults (Python 2: ints)
            self.module, self.base_dict = lg, {}
            self.fresh = (lg.NOTSET, probe.propagate, probe.disabled)
            self.base_state = {lg.root: (lg.WARNING,) + self.fresh[1:] + ([], [])}
        manager = lg.Logger.manager
        changed = manager.loggerDict != self.base_dict
        if changed:
            self.prune(lg, manager)
        for logger, state in self.base_state.items():
            if self.state(logger) != state:
                logger.level, logger.propagate, logger.disabled = state[:3]
                logger.handlers, logger.filters = list(state[3]), list(state[4])
                changed = True
        if manager.disable:
            manager.disable, changed = 0, True
        if getattr(manager, 'emittedNoHandlerWarning', False):
            manager.emittedNoHandlerWarning = False   # a fresh process warns once again
        for owner, name, value in ((manager, 'loggerClass', None),
                                   (lg, '_loggerClass', lg.Logger),
                                   (manager, 'logRecordFactory', None),
                                   (lg, '_logRecordFactory', getattr(lg, 'LogRecord', None))):
            if getattr(owner, name, value) is not value:
                setattr(owner, name, value)
        if changed and hasattr(manager, '_clear_cache'):
            manager._clear_cache()

    def prune(self, lg, manager):
        loggers, base = manager.loggerDict, self.base_dict
        removed, kept = set(), []
        for name in list(loggers):
            obj = loggers[name]
            if base.get(name) is obj:
                continue
            if isinstance(obj, lg.Logger) and resident_name(name):
                (obj.level, obj.propagate, obj.disabled), obj.filters = self.fresh, []
                obj.handlers = [h for h in obj.handlers if isinstance(h, lg.NullHandler)]
                self.base_state[obj] = self.state(obj)
                kept.append(obj)
                continue
            if isinstance(obj, lg.Logger):
                removed.add(obj)
            if name in base:
                loggers[name] = base[name]
            else:
                del loggers[name]
        for obj in list(loggers.values()):   # re-link parents and placeholders
            if isinstance(obj, lg.Logger) and (obj.parent in removed or obj in kept):
                manager._fixupParents(obj)
        self.base_dict = dict(loggers)


def resident_name(name):
    """A logger named after a module that stays loaded (or one of its packages)."""
    while name:
        if name in sys.modules:
            return True
        name = name.rpartition('.')[0]
    return False


# --- the worker ----------------------------------------------------------------------------
class Worker(object):
    def __init__(self, listen_sock, devnull):
        self.listen, self.devnull, self.pid = listen_sock, devnull, os.getpid()
        err_r, self.err_w = new_pipe()
        self.err_flags = fcntl.fcntl(self.err_w, fcntl.F_GETFL)
        # Fork mode: children that reported and are being torn down, reaped at the next fork
        # or by the pump thread's next tick, whichever comes first.
        self.exiting, self.exiting_lock = [], threading.Lock()
        self.pump = Pump(err_r)
        if FORK_MODE:
            self.pump.on_tick = lambda: self.reap_exiting(wait_past=None)
        self.code_cache = {}
        self.conn, self.reqid, self.requests = None, 0, 0
        self.child, self.report_fd = None, -1   # fork mode: the child's pid, in the child
        self.empty_body, self.detached = True, False
        self.streams = self.owned = ()
        self.last_tz, self.forked = object(), False
        self.fd_floor, self.asked_replacement = None, False
        self.real_tzset = watch(time, 'tzset', self.noting_tzset)
        # A script that kills itself dies as a CGI process would: what it wrote arrives.
        watch(os, 'kill', self.noting_kill)
        watch(os, 'killpg', lambda pgid, sig: self.noting_kill(-pgid, sig))
        watch(os, 'abort', lambda: self.noting_kill(0, signal.SIGABRT))
        if hasattr(signal, 'raise_signal'):
            watch(signal, 'raise_signal', lambda sig: self.noting_kill(0, sig))
        self.main_thread = _thread.get_ident()
        # "Close every fd" (os.closerange(3, 256), or a loop of os.close) must not reach
        # the worker's own socket and pipes: under CGI those numbers are not open.
        os.close, os.closerange = self.script_close, self.script_closerange
        # os.exec*: the execl/execvp family calls these two (os.py looks them up each time).
        os.execv = lambda path, args: self.script_exec(REAL_EXECV, path, args)
        os.execve = lambda path, args, env: self.script_exec(REAL_EXECVE, path, args, env)
        self.std = StdStreams()
        self.random, self.logging = RandomGuard(), LoggingGuard()
        sys.path = WatchedPath(sys.path)   # before ProcessState: the one put back each time
        self.state = ProcessState()
        self.modules = ModuleGuard(os.environ.get('WARMCGI_KEEP_APP_MODULES') == '1')
        WatchedPath.on_insert = staticmethod(self.modules.path_inserted)
        if PY3:
            os.register_at_fork(after_in_child=self.after_fork_child,
                                after_in_parent=self.after_fork_parent)
            os.register_at_fork = registering_while_loaded(os.register_at_fork)

    # -- connections --------------------------------------------------------------------
    def serve_forever(self):
        while True:
            try:
                sock = retry(self.listen.accept)[0]
            except Exception:
                log('accept failed: ' + describe_exc())
                time.sleep(0.1)
                continue
            if not PY3:
                cloexec(sock.fileno())
            self.conn = Connection(sock)
            try:
                self.serve_connection(self.conn)
            except Exception:
                if os.getpid() != self.pid:
                    REAL_EXIT(1)
                log('connection: ' + describe_exc())
            self.conn.close()
            self.conn = None

    def serve_connection(self, conn):
        req = None
        while not conn.broken:
            rec = conn.read_record()
            if rec is None:
                return
            rtype, reqid, content = rec
            if rtype == FCGI_BEGIN_REQUEST:
                role, flags = BEGIN_BODY.unpack(content[:8].ljust(8, b'\0'))
                if req is not None:
                    conn.send(end_request(reqid, 0, FCGI_CANT_MPX_CONN))
                elif role != FCGI_RESPONDER:
                    conn.send(end_request(reqid, 0, FCGI_UNKNOWN_ROLE))
                else:
                    req = Request(reqid, flags & FCGI_KEEP_CONN)
            elif rtype == FCGI_GET_VALUES:   # the server's ping
                names = decode_pairs(content)
                conn.send(record(FCGI_GET_VALUES_RESULT, 0, b''.join(
                    encode_pair(n, v) for n, v in GET_VALUES_ANSWERS if n in names)))
            elif req is None or reqid != req.id:
                if rtype not in (FCGI_ABORT_REQUEST, FCGI_PARAMS, FCGI_STDIN, FCGI_DATA):
                    conn.send(record(FCGI_UNKNOWN_TYPE, 0, UNKNOWN_BODY.pack(rtype)))
            elif rtype == FCGI_PARAMS:
                req.params.append(content)
            elif rtype == FCGI_STDIN and content:
                req.body.add(content)
            elif rtype in (FCGI_STDIN, FCGI_ABORT_REQUEST):
                if rtype == FCGI_STDIN:   # the body is complete: run the script
                    self.run_request(conn, req)
                    self.collect_garbage()
                else:   # aborted before the script started
                    req.body.discard()
                    conn.send(end_request(reqid, 0))
                keep, req = req.keep, None
                if not keep:
                    return
            elif rtype != FCGI_DATA:
                conn.send(record(FCGI_UNKNOWN_TYPE, 0, UNKNOWN_BODY.pack(rtype)))

    def collect_garbage(self):
        if self.modules.grew and hasattr(gc, 'freeze'):
            self.modules.grew = False
            gc.collect()
            gc.freeze()   # newly resident modules: out of future collections' way
        elif not self.requests % GC_EVERY:
            gc.collect()

    # -- one request ----------------------------------------------------------------------
    def run_request(self, conn, req):
        self.requests += 1
        self.reqid = req.id
        try:
            request = self.open_request(conn, req)
            if not FORK_MODE:
                request += self.become_script(*request)
        except BaseException as e:
            log('request set-up: ' + describe_exc())
            req.body.discard()
            self.pump.running = False
            self.close_request_fds()
            status = 1
            if getattr(e, 'errno', None) in (errno.EMFILE, errno.ENFILE) or \
                    self.leaked_too_many_fds():
                self.asked_replacement = True
                status |= ASKS_TO_BE_REPLACED
            if self.pump.job is None:   # failed before the pipes existed
                conn.send(record(FCGI_STDOUT, req.id, b'') + end_request(req.id, status))
            else:
                self.pump.finish(end_request(req.id, status))
            self.restore()
            return
        if FORK_MODE:
            status, learned = self.run_in_child(request)
        else:
            status = self.run_script_in_context(*request)
            # Before the fds close: the end of stdout that follows goes out with END_REQUEST.
            self.pump.running = False
            self.close_request_fds()
            if self.leaked_too_many_fds():
                status |= ASKS_TO_BE_REPLACED
        self.pump.running = False
        self.pump.finish(end_request(req.id, status))
        request = None
        if not FORK_MODE:
            self.restore()
        elif learned:   # else this process ran nothing but the request's set-up
            self.modules.preload(learned)
            self.restore()

    def leaked_too_many_fds(self):
        """Whether scripts left LEAKED_FDS_MAX descriptors open (a dup returns the lowest
        free number, so one call counts what filled the numbers above the worker's own
        since the first request; none left free counts too). Once asked, it asks on with
        every request: a replacement that failed to start is tried again."""
        if self.asked_replacement:
            return True
        try:
            probe = os.dup(self.devnull)
        except OSError:
            self.asked_replacement = True
            log('no file descriptor left in this worker: it asks to be replaced')
            return True
        REAL_CLOSE(probe)
        if self.fd_floor is None:
            self.fd_floor = probe
        elif probe - self.fd_floor >= LEAKED_FDS_MAX:
            self.asked_replacement = True
            log('scripts left %d files open in this worker: it asks to be replaced'
                % (probe - self.fd_floor))
        return self.asked_replacement

    def run_script_in_context(self, params, script, entry, error, main_mod, snap):
        if PY3:   # a fresh context: ContextVar values (the decimal context...) go with it
            status = contextvars.Context().run(
                self.run_script, script, entry, error, main_mod, snap)
        else:
            status = self.run_script(script, entry, error, main_mod, snap)
        pid = os.getpid()
        if pid != self.pid:   # a child has finished the script: fork mode's, or the script's
            if pid == self.child:
                self.report_and_close(status)
            REAL_EXIT(status)
        return status

    def run_in_child(self, request):
        """Fork mode: the script runs in a forked copy of this interpreter, which sets
        itself up for the request (environ, __main__...: fds 0-2 are set already) and exits
        when the script ends, so nothing it does reaches the next request. Returns its
        exit status, and the stdlib and site-packages modules it imported, for this
        process to load for the children after it."""
        script = request[1]
        self.reap_exiting()
        report_r, self.report_fd = new_pipe()
        try:
            pid = self.fork()
        except OSError:   # EAGAIN, ENOMEM: no output, the server answers 502
            log('fork mode: no child for %s: %s' % (script, describe_exc()))
            for fd in (report_r, self.report_fd):
                REAL_CLOSE(fd)
            self.close_request_fds()
            return 1, ()
        if pid == 0:
            status, self.child = 1, os.getpid()
            try:
                # A session of its own, as a CGI process is: its os.killpg(0, ...) reaches
                # itself and its children, not this interpreter, and its os.setsid() fails as
                # there. The server's kill of this worker reaches the sessions of its children.
                os.setsid()
                REAL_CLOSE(report_r)
                if not PY3 and 'random' in sys.modules:
                    sys.modules['random'].seed()   # Python 3 reseeds in a child by itself
                request += self.become_script(*request)
                status = self.run_script_in_context(*request)
            finally:
                REAL_EXIT(status)   # run_script_in_context exits first; this if it raised
        REAL_CLOSE(self.report_fd)
        self.close_request_fds()
        try:
            status, report, wait_status = self.await_report(report_r, pid)
        finally:
            REAL_CLOSE(report_r)
        names = report.decode('utf-8', 'replace').split()
        if status is not None:
            with self.exiting_lock:
                self.exiting.append(pid)   # reaped later, while other requests run
            return status, names
        if os.WIFSIGNALED(wait_status):
            log('the script %s was killed by signal %d' % (script, os.WTERMSIG(wait_status)))
            return KILLED_BY_SIGNAL | os.WTERMSIG(wait_status), names
        return os.WEXITSTATUS(wait_status), names

    def reap_exiting(self, wait_past=4):
        """The children that reported: those gone by now are reaped; past wait_past (the main
        thread's, before a fork; the pump thread never waits), the oldest are waited for."""
        if not self.exiting:
            return
        with self.exiting_lock:
            still = []
            for pid in self.exiting:
                try:
                    if not retry(os.waitpid, pid, os.WNOHANG)[0]:
                        still.append(pid)
                except OSError:   # ECHILD: reaped already (reap_children's waitpid(-1))
                    pass
            while wait_past is not None and len(still) > wait_past:
                try:
                    retry(os.waitpid, still.pop(0), 0)
                except OSError:
                    pass
            self.exiting = still

    @staticmethod
    def await_report(report_r, pid):
        """(exit status, module names, None) as the child reports them before its exit -- the
        kernel's teardown of a forked interpreter (~0.3 ms here, longer than a small script's
        run) need not delay the response or the next request -- or (None, what came, its wait
        status) once a child that could not report (a signal, os._exit) is gone."""
        def parsed(data):
            mark = data.rfind(b'\0')
            if mark >= 0 and data.endswith(b'\n'):
                return int(data[mark + 1:]), data[:mark]
            return None, data

        data, poller = b'', select.poll()
        poller.register(report_r, select.POLLIN)
        while True:
            if retry(poller.poll, 50):
                chunk = read_ready(report_r)
                if chunk == b'':   # every writer gone: so is the child
                    break
                data += chunk or b''
                status, names = parsed(data)
                if status is not None:
                    return status, names, None
            else:
                reaped, wait_status = retry(os.waitpid, pid, os.WNOHANG)
                if reaped:   # gone, while a process it forked holds the pipe open
                    status, names = parsed(data + (read_ready(report_r) or b''))
                    return None, names, wait_status
        status, names = parsed(data)
        return None, names, retry(os.waitpid, pid, 0)[1]

    def fork(self):
        if not PY3:
            return self.fork_py2()   # with the at-fork work Python 3 does by itself
        if sys.version_info < (3, 12):
            return os.fork()
        with warnings.catch_warnings():   # the pump thread holds nothing the child needs
            warnings.simplefilter('ignore', DeprecationWarning)
            return os.fork()

    def report_and_close(self, status):
        """In fork mode's child, once the script is done: tell the parent the exit status
        and the stdlib and site-packages modules the script imported (one name a line,
        then NUL and the status), and close fds 0-2, so that the response can end before
        the kernel has torn this process down."""
        try:
            data = self.imported_modules()
            write_all(self.report_fd, (data[:data.rfind(b'\n', 0, 60000)] if len(data) > 60000
                                       else data) + b'\0%d\n' % (status & 0xFF))
        except Exception:
            pass
        for fd in (0, 1, 2, self.report_fd):
            try:
                REAL_CLOSE(fd)
            except OSError:
                pass

    def imported_modules(self):
        """The report's names, encoded (empty when they cannot be told)."""
        try:
            guard, mods = self.modules, sys.modules
            # Imports add keys at the end: only those are looked at. Touching every key
            # would write its refcount, and each page written costs the child a copy.
            if PY3:
                names = []
                for name in reversed(mods):
                    if name in guard.base:
                        if name in guard.aside:   # the app's module in a loaded one's place
                            continue
                        break
                    names.append(name)
                names.reverse()
            else:
                names = [n for n in mods if n not in guard.base]
            names = [n for n in names if mods[n] is not None and guard.is_resident(n, mods[n])]
            return '\n'.join(names).encode('utf-8')
        except Exception:
            return b''

    def open_request(self, conn, req):
        """The request's fds 0-2, environ and std streams, and its compiled script:
        (params, script, entry, error). Fork mode does this in the resident interpreter,
        before the fork: what the last request left (os.environ, the cached streams, TZ)
        is mostly what this one needs, so a child has little left to write -- and each
        page a child writes costs it a copy."""
        params = decode_pairs(req.params[0] if len(req.params) == 1 else b''.join(req.params))
        script = params.get(b'SCRIPT_FILENAME', b'')
        if PY3:
            script = script.decode(FS_ENCODING, 'surrogateescape')
        entry, error = self.load_script(script)
        if self.modules.keep_app:
            self.modules.check_kept(os.path.dirname(script))
        body = req.body
        self.empty_body = not body.size
        if body.size:
            body.install()
        out_r, out_w = new_pipe()
        os.dup2(out_w, 1)
        REAL_CLOSE(out_w)
        os.dup2(self.err_w, 2)
        # fd 2 shares the pipe's file description for good: a script's O_NONBLOCK on it (as
        # asyncio's connect_write_pipe sets) must not reach the next request.
        fcntl.fcntl(2, fcntl.F_SETFL, self.err_flags)
        self.pump.begin(conn, req.id, out_r)
        set_environ(with_interpreter_additions(params))
        refresh_environ_copies()
        tz = params.get(b'TZ')
        if tz != self.last_tz:
            self.last_tz = tz
            self.real_tzset()
        unbuffered = bool(entry and entry[3]) or bool(params.get(b'PYTHONUNBUFFERED'))
        self.streams, self.owned = self.std.open(
            unbuffered, params.get(b'PYTHONIOENCODING'), self.empty_body)
        return params, script, entry, error

    def become_script(self, params, script, entry, error):
        """Set the process up as CGI would have it for this request: (__main__, what the
        end of the request compares with)."""
        if not FORK_MODE:   # a forked child's random was reseeded at the fork
            self.random.check()
        decimal = None if PY3 else sys.modules.get('decimal')   # Python 3's: the Context
        if decimal is not None:
            decimal.setcontext(decimal.Context())
        # Threads and logging handlers the request will add (threading.enumerate() only
        # when there are threads: daemons of past requests).
        snap = (set(threading.enumerate()) if threading.active_count() > 1 else (),
                self.logging.handler_ids() if 'logging' in sys.modules else None)
        if entry is not None:
            self.modules.step_aside(entry[2])
        main_mod = type(sys)('__main__')
        namespace = main_mod.__dict__
        namespace['__file__'], namespace['__builtins__'], namespace['__package__'] = \
            script, builtins, None
        if PY3:
            namespace['__cached__'], namespace['__spec__'] = None, None
            namespace['__loader__'] = SourceFileLoader('__main__', script)
            if sys.version_info < (3, 14):   # 3.14's annotations are lazy, not a global
                namespace['__annotations__'] = {}
        sys.modules['__main__'] = main_mod
        query = params.get(b'QUERY_STRING')
        sys.argv = [script] + isindex_args(query) if query and b'=' not in query else [script]
        sys.stdin, sys.stdout, sys.stderr = sys.__stdin__, sys.__stdout__, sys.__stderr__ = \
            self.streams
        os._exit = self.script_exit
        if not PY3:
            os.fork, os.forkpty = self.fork_py2, self.forkpty_py2
        return main_mod, snap

    def load_script(self, path):
        """(entry, None) or (None, (type, value)); entry = (stat key, code, folder for
        sys.path[0], -u in #!), cached until the file's mtime, ctime, size or inode changes."""
        try:
            st = os.stat(path)
            # ctime too: an edit in place that keeps size and mtime (cp -p, rsync -t --inplace).
            key = (getattr(st, 'st_mtime_ns', st.st_mtime), getattr(st, 'st_ctime_ns', st.st_ctime),
                   st.st_size, st.st_ino)
            entry = self.code_cache.get(path)
            if entry is not None and entry[0] == key:
                return entry, None
            with open(path, 'rb') as f:
                source = as_read_from_a_file(f.read(), path)
            linecache = sys.modules.get('linecache')
            if linecache is not None:   # cgitb's listing must show the new lines
                linecache.cache.pop(path, None)
            # dont_inherit: the worker's __future__ flags must not reach the script. Python 2
            # parses a string's end unlike a file's (SyntaxError texts) without a last \n.
            code = compile(source if PY3 else source + b'\n', path, 'exec', 0, True)
            entry = (key, code, os.path.dirname(os.path.realpath(path)),
                     shebang_unbuffered(source))
            if len(self.code_cache) >= CODE_CACHE_MAX:
                self.code_cache.clear()
            self.code_cache[path] = entry
            return entry, None
        except Exception:
            return None, sys.exc_info()[:2]

    def run_script(self, script, entry, error, main_mod, snap):
        """Run the script, then what interpreter shutdown does; returns the exit status."""
        status = 1
        if not (PY3 or PYPY):   # see shut_down
            self.gc_promotions, self.script_start = gc.get_count()[-1], time.time()
        try:
            try:
                os.chdir(os.path.dirname(script) or '.')
            except OSError:
                pass
            if error is None:
                list.__setitem__(sys.path, slice(None), [entry[2]] + self.state.path_rest)
                status = run_main(entry[1], main_mod.__dict__)
            elif issubclass(error[0], EnvironmentError):
                write_stderr("%s: can't open file %s: [Errno %s] %s\n" % (
                    sys.executable, script if PYPY else repr(script), error[1].errno,
                    error[1].strerror))
                status = 2
            else:   # SyntaxError and the like, reported as the interpreter does
                if PY3:
                    error[1].__traceback__ = None
                report_exception(error[0], error[1], None)
        except BaseException:
            log('running the script: ' + describe_exc())
        return self.shut_down(status, main_mod, snap)

    def shut_down(self, status, main_mod, snap):
        """Interpreter shutdown as the script can see it, while fds 0-2 are still its own."""
        threads, handler_ids = snap
        mods = sys.modules
        stdlib = 'concurrent.futures' in mods or 'multiprocessing' in mods
        # Each step whatever the previous one did, as the interpreter does.
        if stdlib:
            self.shutdown_step(stdlib_exit_hooks, 'threads')
        if threading.active_count() > 1:
            self.shutdown_step(join_new_threads, threads)
        self.shutdown_step(run_atexit)
        if stdlib:
            self.shutdown_step(stdlib_exit_hooks, 'atexit')
        if 'logging' in mods:
            self.shutdown_step(self.logging.close_new_handlers, handler_ids)
        flushed = flush_std()
        if not flushed and status == 0 and PY3:
            status = 120   # what Python 3 exits with when flushing stdout fails
        if sys.gettrace() is not None or sys.getprofile() is not None:
            # The script's tracer or profiler ends with the script: the teardown below is
            # the worker's, and one that uses the script's globals failed in it (a 502).
            sys.settrace(None)
            sys.setprofile(None)
        # Module teardown. Like the interpreter, put the original std streams back first,
        # so that a script's own replacement (open(1, 'w', encoding=...) owns fd 1) is
        # closed now and not while a later request uses fd 1; then __main__'s globals.
        sys.stdin, sys.stdout, sys.stderr = self.streams
        clear_module(main_mod.__dict__, objects_first=PY3 and not PYPY)
        self.modules.drop_app_modules()
        # What the script's reference cycles and its app modules hold (a footer a __del__
        # prints, a file not yet flushed, replaced streams, a lock) goes now, into this
        # response, as the interpreter's last collection does at exit. A full collection:
        # a request that allocates much moves its cycles to the oldest generation (a
        # fork child's would never be collected at all). Resident objects are frozen out
        # of it (startup, collect_garbage): ~5 us for hello.py, 11 for a 4 ms request.
        # Python 2 cannot freeze them (a full collection: ~0.5 ms), but it clears a
        # module's globals as the module goes: the young objects suffice -- but in a child,
        # or once the request's own collections moved some of them to the oldest generation
        # (a lock held in a cycle of a request that allocated much stayed held). The count
        # of those comes back to where it was after a full collection, so a request longer
        # than 5 ms (where 0.5 ms is little) gets a full one anyway.
        if (PY3 or PYPY or os.getpid() != self.pid or gc.get_count()[-1] != self.gc_promotions
                or time.time() - self.script_start > 0.005):
            gc.collect()
        else:
            gc.collect(1)
        if not (flush_std() and flushed):   # what teardown printed (a __del__...)
            # A stream whose flush failed (its reader gone: EPIPE) still holds what it could
            # not write: reused, it would write that into the next request's response.
            self.std.forget()
        return status

    @staticmethod
    def shutdown_step(step, *args):
        try:
            step(*args)
        except BaseException:
            log('shutdown step: ' + describe_exc())

    def close_request_fds(self):
        """Close the worker's ends of the request's fds 0-2: the pipes can reach EOF."""
        owned = self.owned
        for stream in self.streams[1:]:   # stdin holds nothing to flush
            try:
                stream.close() if stream in owned else stream.flush()
            except Exception:
                if stream not in owned:
                    self.std.forget()   # what it could not write must never come out later
        if owned and self.streams[0] in owned:
            try:
                self.streams[0].close()
            except Exception:
                pass
        self.streams = self.owned = ()
        devnull = self.devnull
        os.dup2(devnull, 0)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        if not PY3:
            # reload(sys) (for setdefaultencoding) gives a script the interpreter's own
            # stdin back: what its buffers read ahead of this request's body would go to
            # the next client's script. A seek beyond them (fd 0 is /dev/null now, where
            # any offset is fine) drops them, and the end-of-file mark with them.
            try:
                PY2_STDIO[0].seek(1 << 40)
            except Exception:
                pass

    def noting_tzset(self):
        self.last_tz = object()   # the script's TZ: the next request sets its own again

    def script_exit(self, n):
        """os._exit while a script runs: deliver what is already written, then really exit."""
        if not isinstance(n, INT_TYPES):
            return REAL_EXIT(n)   # raises the interpreter's own TypeError
        self.deliver_before_death()
        REAL_EXIT(n)

    def script_exec(self, real, path, args, *env):
        """os.exec* while a script runs. Under CGI the process becomes that program, and
        what it writes is the rest of the response; here a child becomes it (the worker
        must live on), and the script ends when that program does, with its exit status.
        What the script buffered and never flushed is lost, as with a replaced image; a
        failed exec raises in the script what the real one raises."""
        if os.getpid() != self.pid or not self.streams or _thread.get_ident() != self.main_thread:
            return real(path, args, *env)   # a thread's exec would end every request here
        report_r, report_w = os.pipe()
        if not PY3:
            cloexec(report_r), cloexec(report_w)
        try:
            pid = quiet_fork()
        except BaseException:
            REAL_CLOSE(report_r), REAL_CLOSE(report_w)
            raise
        if pid == 0:
            try:
                REAL_CLOSE(report_r)
                real(path, args, *env)
            except BaseException as e:
                failure = ('E%d' % e.errno) if isinstance(e, OSError) and e.errno else \
                    'X%s\0%s' % (type(e).__name__, e)
                os.write(report_w, failure.encode('utf-8', 'replace'))
            finally:
                REAL_EXIT(127)
        self.forked = True   # a child to reap, should the wait below be interrupted
        REAL_CLOSE(report_w)
        try:
            failure = b''
            while True:
                chunk = retry(os.read, report_r, 4096)
                if not chunk:
                    break
                failure += chunk
        finally:
            REAL_CLOSE(report_r)
        status = retry(os.waitpid, pid, 0)[1]
        if failure:
            raise exec_failure(failure.decode('utf-8', 'replace'))
        for fd in (1, 2):   # the script's unflushed buffers, and its teardown, go nowhere
            os.dup2(self.devnull, fd)
        if PY3:
            atexit._clear()
        else:
            del atexit._exithandlers[:]
            sys.exitfunc = None
        raise SystemExit(os.WEXITSTATUS(status) if os.WIFEXITED(status)
                         else 128 + os.WTERMSIG(status))

    def guarded_fds(self):
        """What a running script must not close: the fds of its own std streams above 2
        (Python 2's are dups), and in the worker its socket, log and pipes; a fork mode
        child keeps its report pipe. () when no script runs (a script's forked children
        close what they like: they are copies)."""
        if not self.streams:
            return ()
        fds = [f for f in map(stream_fd, self.owned) if f > 2]
        if os.getpid() == self.pid:
            fds += self.own_fds() + [self.devnull]
        elif os.getpid() == self.child and self.report_fd >= 0:
            fds.append(self.report_fd)
        return fds

    def script_close(self, fd):
        if fd in self.guarded_fds():
            raise OSError(errno.EBADF, os.strerror(errno.EBADF))
        return REAL_CLOSE(fd)

    def script_closerange(self, low, high):
        for fd in sorted(f for f in self.guarded_fds() if low <= f < high):
            REAL_CLOSERANGE(low, fd)
            low = fd + 1
        return REAL_CLOSERANGE(low, high)

    def own_fds(self):
        """The worker's socket, log and pipes."""
        fds = [self.listen.fileno(), _log_fd, self.err_w] + self.pump.fds()
        if self.conn is not None:
            fds.append(self.conn.sock.fileno())
        return fds

    def noting_kill(self, pid, sig):
        """os.kill, os.killpg, os.abort or signal.raise_signal: when the signal is about to
        end this worker while it runs a script, what the script wrote is delivered first --
        the worker reads the script's stdout itself, so bytes still in the pipe would die
        with it (a segfault in C code still has that gap: nothing runs before it)."""
        if self.streams and pid in (0, self.pid, -self.pid) and os.getpid() == self.pid \
                and (sig == signal.SIGKILL or sig in FATAL_BY_DEFAULT
                     and signal.getsignal(sig) == signal.SIG_DFL):
            self.deliver_before_death()

    def deliver_before_death(self):
        """The worker is about to end mid-request: the response ends with what was written."""
        if os.getpid() != self.pid:
            return
        try:
            if not PY3:   # drop the stdio buffers (never flush them), close their dups
                for stream in self.owned:
                    if stream.fileno() > 2:
                        REAL_CLOSE(stream.fileno())
            self.pump.running = False
            for fd in (0, 1, 2):
                os.dup2(self.devnull, fd)
            # No END_REQUEST: the server must not hand this dying worker the next
            # request. The connection closing (our exit) ends the response instead,
            # exactly as a CGI process's exit does.
            self.pump.finish(b'', 1.0)
        except BaseException:
            pass

    def fork_py2(self):
        return self.forked_py2(REAL_FORK())

    def forkpty_py2(self):
        pid, fd = REAL_FORKPTY()
        return self.forked_py2(pid), fd

    def forked_py2(self, pid):
        if pid == 0:
            self.after_fork_child()
        else:
            self.after_fork_parent()
        return pid

    def after_fork_parent(self):
        self.forked = True   # there may be children to reap

    def after_fork_child(self):
        """In a child the script forked: never touch the worker's sockets or its log."""
        global _log_fd
        if os.getpid() != self.pid and not self.detached:
            # Once: in a grandchild these numbers may be the child's own files by now.
            self.detached = True
            fds = self.own_fds()
            _log_fd = -1
            for fd in fds:
                try:
                    REAL_CLOSE(fd)
                except OSError:
                    pass

    # -- undoing the request ----------------------------------------------------------
    def restore(self):
        try:
            os._exit = REAL_EXIT
            if not PY3:
                os.fork, os.forkpty = REAL_FORK, REAL_FORKPTY
            self.state.restore_signals()
            sys.modules['__main__'] = self.state.main
            self.modules.after_request()
            self.logging.restore()
            self.state.restore()
            self.reap_children()
            if not PY3:
                sys.exc_clear()
        except BaseException:
            log('restore: ' + describe_exc())

    def reap_children(self):
        """Children the script did not wait for would stay zombies of the worker. Only
        looked for after a fork or with Popen objects left over: waitpid's ECHILD costs."""
        subprocess = sys.modules.get('subprocess')
        if subprocess is not None and getattr(subprocess, '_active', None):
            subprocess._cleanup()
        try:
            while self.forked and os.waitpid(-1, os.WNOHANG)[0]:
                pass   # 0: children left, still running -- looked at again next time
        except OSError:   # ECHILD: none left
            self.forked = False


# --- start-up ------------------------------------------------------------------------------
def adopt_listener(fd):
    if PY3:
        return socket.socket(fileno=fd)
    # fromfd dups the fd into a raw C socket whose makefile() would dup it once more into an
    # inheritable stdio FILE; the Python wrapper's makefile() uses recv() instead.
    sock = socket.socket(_sock=socket.fromfd(fd, socket.AF_UNIX, socket.SOCK_STREAM))
    REAL_CLOSE(fd)
    cloexec(sock.fileno())
    return sock


def bind_listener(path):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        os.unlink(path)
    except OSError:
        pass
    sock.bind(path)
    sock.listen(16)
    cloexec(sock.fileno())
    return sock


def startup(argv):
    """Keep the listening socket and the log at high close-on-exec fds, then point fds 0-2
    at /dev/null: between requests nothing may reach the server's log or a pipe."""
    global _log_fd
    _log_fd = move_high(2)
    listen_fd = -1 if '--bind' in argv else move_high(0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        if fd != null:
            os.dup2(null, fd)
    devnull = move_high(null)
    if null > 2:
        REAL_CLOSE(null)
    if listen_fd < 0:
        listen = bind_listener(argv[argv.index('--bind') + 1])
    else:
        listen = adopt_listener(listen_fd)
    # Exit handlers registered while the worker started must not run after each request.
    if PY3:
        atexit._clear()
    else:
        del atexit._exithandlers[:]
    worker = Worker(listen, devnull)
    if hasattr(gc, 'freeze'):   # what start-up loaded is resident: out of each request's collection
        gc.collect()
        gc.freeze()
    return worker


def main(argv):
    try:
        worker = startup(argv)
    except Exception:
        log('start-up failed: ' + describe_exc())
        return 2
    log('ready: Python %s, pid %d' % (sys.version.split()[0], os.getpid()))
    worker.serve_forever()
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
