#!/opt/python2.7/bin/python2.7
# Reports the script's process and its parent, and whether json was loaded before the
# script imported it; "exit" ends with os._exit after flushing, "kill" with SIGKILL.
from __future__ import print_function

import os
import signal
import sys

json_was_loaded = "json" in sys.modules
import json  # noqa: E402

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("pid=%d" % os.getpid())
print("ppid=%d" % os.getppid())
print("json loaded before=%s" % json_was_loaded)
sys.stdout.flush()
if sys.argv[1:] == ["exit"]:
    os._exit(3)
if sys.argv[1:] == ["kill"]:
    os.kill(os.getpid(), signal.SIGKILL)
