#!/opt/python2.7/bin/python2.7
# Reports what an earlier request could have left behind beyond state.py's list, then leaves
# all of it: a timezone of its own (TZ + tzset), a global whose __del__ uses builtins at
# teardown, a "No handlers could be found" warning of logging, tempfile's chosen folder, and
# a `print x,` pending at the end.
# Run again by the same worker it must print exactly what a fresh process prints.
import logging
import os
import sys
import time


class Session(object):
    def __del__(self):
        print "saved=%d bytes, at teardown" % len("session")


print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "tzname=%r timezone=%r" % (time.tzname, time.timezone)
sys.stdout.flush()
logging.getLogger("leftovers").error("no handler for this")
os.environ["TZ"] = "Asia/Tokyo"
time.tzset()
import tempfile
print "tempdir=%s" % tempfile.gettempdir()
tempfile.tempdir = "/nonexistent/set-by-an-earlier-request"
session = Session()
print "last words",
