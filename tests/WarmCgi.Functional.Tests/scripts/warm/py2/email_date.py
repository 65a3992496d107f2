#!/opt/python2.7/bin/python2.7
# The stdlib's email.utils, which needs the stdlib's calendar (calendar.timegm).
import email.utils
import os

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "date=%d" % email.utils.mktime_tz(email.utils.parsedate_tz("Mon, 20 Nov 1995 19:12:08 -0500"))
