#!/usr/bin/python3
# ?arm leaves a profiler that uses the script's globals and a faulthandler watchdog (1 s,
# exit=True) behind, as a script may: under CGI both end with its process. ?wait sleeps
# past that second.
import faulthandler
import os
import sys
import time

calls = {}


def profiler(frame, event, arg):
    calls[event] = calls.get(event, 0) + 1


print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("faulthandler enabled=%s" % faulthandler.is_enabled())
sys.stdout.flush()
if os.environ["QUERY_STRING"] == "wait":
    time.sleep(1.5)
    print("woke")
else:
    sys.setprofile(profiler)
    faulthandler.enable()
    faulthandler.dump_traceback_later(1, exit=True)
    print("armed")
