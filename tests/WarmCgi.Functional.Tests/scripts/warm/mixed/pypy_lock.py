#!/usr/bin/pypy3
# The classic hit counter's lock, on a file the script never closes: under CGI its exit
# releases both. PyPy has no reference counting, so only the end of the request can.
import fcntl
import os

f = open(os.path.join(os.environ["WORK_DIR"], "pypy_lock.count"), "a+")
try:
    fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    state = "acquired"
except (IOError, OSError):
    state = "held by an earlier request"
print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("lock=%s" % state)
