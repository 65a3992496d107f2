# An app module holding what old CGI helpers hold at module level: a log file written at
# exit, a lock, and its own text stream over stdout. A CGI process's exit flushes, closes
# and releases them; so must the end of each warm or forked request.
import fcntl
import io
import os
import sys

_base = os.path.join(os.environ["WORK_DIR"], "appres-" + os.environ["QUERY_STRING"])
log = open(_base + ".log", "a")
_lock = open(_base + ".lock", "a")
fcntl.flock(_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)   # raises while a past request holds it
out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8")


def logged_before():
    with open(_base + ".log") as f:
        return f.read().count("\n")
