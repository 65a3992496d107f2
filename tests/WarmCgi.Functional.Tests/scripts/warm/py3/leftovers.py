#!/usr/bin/python3
# Reports what an earlier request could have left behind beyond state.py's list, then leaves
# all of it: a timezone of its own (TZ + tzset), weakref finalizers (their exit hook marks
# the process as shutting down), tempfile's chosen folder, and a reference cycle whose
# __del__ prints a footer at teardown.
# Run again by the same worker it must print exactly what a fresh process prints.
import os
import time
import weakref


class Footer(object):
    def __init__(self):
        self.me = self   # a cycle: only the interpreter's last collection ends it

    def __del__(self):
        print("footer=printed by a cycle's __del__ at teardown")


class Thing(object):
    pass


print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("tzname=%r timezone=%r" % (time.tzname, time.timezone))
gone = Thing()
weakref.finalize(gone, print, "finalizer=ran when its object went")
del gone
kept = Thing()
weakref.finalize(kept, print, "exit finalizer=ran at exit")
os.environ["TZ"] = "Asia/Tokyo"
time.tzset()
page = Footer()
import tempfile
print("tempdir=%s" % tempfile.gettempdir())
tempfile.tempdir = "/nonexistent/set-by-an-earlier-request"
