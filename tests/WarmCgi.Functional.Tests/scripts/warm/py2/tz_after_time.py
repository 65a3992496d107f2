#!/opt/python2.7/bin/python2.7
# TZ set after time (here through cgi) was imported, without time.tzset(): Python 2 read TZ
# when time was imported, so time.timezone keeps the zone the process started with.
import cgi
import os
os.environ['TZ'] = 'CET-1CEST,M3.5.0,M10.5.0/3'
import time

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "timezone=%d %r" % (time.timezone, time.tzname)
