#!/opt/python2.7/bin/python2.7
# Imports the stdlib's calendar (no calendar.py beside this script).
import os
import calendar

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "calendar=" + getattr(calendar, "WHO", "the stdlib's")
print "isleap=%s" % calendar.isleap(2024)
