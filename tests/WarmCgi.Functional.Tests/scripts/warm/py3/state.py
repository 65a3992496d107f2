#!/usr/bin/python3
# Reports process-wide state a fresh interpreter starts with, then changes all of it.
# Run again by the same worker it must report exactly what a fresh CGI process reports.
import builtins
import cgi
import csv
import decimal
import functools
import gc
import logging
import os
import signal
import socket
import ssl
import sys
import threading
import urllib.request

umask = os.umask(0o077)   # reading the umask sets it: this is also one of the changes

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("SIGALRM handler=%r" % (signal.getsignal(signal.SIGALRM),))
print("recursion limit=%d" % sys.getrecursionlimit())
print("umask=%03o" % umask)
print("socket default timeout=%r" % (socket.getdefaulttimeout(),))
print("logging root level=%r handlers=%r" % (logging.root.level, logging.root.handlers))
print("decimal precision=%d" % decimal.getcontext().prec)
print("sys.path=%r" % (sys.path,))
print("module added to sys.modules=%s" % ("warmcgi_probe" in sys.modules))
print("WARMCGI_PROBE=%s" % os.environ.get("WARMCGI_PROBE", "unset"))
print("excepthook is the default=%s" % (sys.excepthook is sys.__excepthook__))
print("cgi.maxlen=%d csv field limit=%d" % (cgi.maxlen, csv.field_size_limit()))
print("thread name=%s" % threading.current_thread().name)
print("https checks certificates=%s" % (ssl._create_default_https_context is ssl.create_default_context))
print("urlopen opener installed=%s" % (urllib.request._opener is not None))
print("sys.tracebacklimit set=%s" % hasattr(sys, "tracebacklimit"))
print("app cache on sys=%s" % hasattr(sys, "_app_user_cache"))
print("socket.socket patched=%s" % getattr(socket.socket, "warmcgi_patched", False))
print("builtins has _=%s" % hasattr(builtins, "_"))
print("gc enabled=%s thresholds=%r" % (gc.isenabled(), gc.get_threshold()))
print("blocked signals=%r" % sorted(signal.pthread_sigmask(signal.SIG_BLOCK, [])))
print("thread stack size=%d" % threading.stack_size())
print("dlopen flags=%d" % sys.getdlopenflags())
print("wakeup fd=%d" % signal.set_wakeup_fd(-1))
sys.stdout.flush()
# An at-fork hook an earlier request registered would write here.
os.waitpid(os.fork() or os._exit(0), 0)

signal.signal(signal.SIGALRM, lambda signum, frame: None)
sys.setrecursionlimit(5000)
socket.setdefaulttimeout(3.5)
logging.basicConfig(level=logging.DEBUG)
decimal.getcontext().prec = 5
sys.path.append("/warmcgi/probe")
sys.modules["warmcgi_probe"] = type(sys)("warmcgi_probe")
os.environ["WARMCGI_PROBE"] = "set by an earlier request"
sys.excepthook = lambda *args: None
cgi.maxlen = 1024   # as the cgi docs suggest, against big uploads
csv.field_size_limit(sys.maxsize)
threading.current_thread().name = "upload-handler"   # shows in logging's threadName
ssl._create_default_https_context = ssl._create_unverified_context   # "fixes" a self-signed API
urllib.request.install_opener(urllib.request.build_opener(urllib.request.HTTPCookieProcessor()))
sys.tracebacklimit = 3
sys._app_user_cache = os.environ.get("QUERY_STRING")   # a "process-wide" cache
socket.socket = type("PatchedSocket", (socket.socket,), {"warmcgi_patched": True})
builtins._ = str
gc.disable()
gc.set_threshold(1, 2, 3)
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGTERM, signal.SIGUSR1])   # children inherit it
threading.stack_size(1 << 20)
sys.setdlopenflags(os.RTLD_NOW | os.RTLD_GLOBAL)
wakeup_r, wakeup_w = os.pipe()
os.set_blocking(wakeup_w, False)
signal.set_wakeup_fd(wakeup_w)
# A partial, not a lambda: it needs none of the globals a module loses at its end.
os.register_at_fork(before=functools.partial(os.write, 1, b"an at-fork hook of this request ran\n"))
os.waitpid(os.fork() or os._exit(0), 0)   # ... while the request lasts, as in its own process
