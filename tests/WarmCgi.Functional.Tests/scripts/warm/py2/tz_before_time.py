#!/opt/python2.7/bin/python2.7
# TZ set before time is imported: Python 2 reads it then, as the module loads (a POSIX rule,
# no tzdata needed), so a mail's or a feed's local date carries that zone's offset.
import os
os.environ['TZ'] = 'CET-1CEST,M3.5.0,M10.5.0/3'
import email.utils
import time

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "date=%s" % email.utils.formatdate(1700000000, localtime=True)
print "timezone=%d %r" % (time.timezone, time.tzname)
