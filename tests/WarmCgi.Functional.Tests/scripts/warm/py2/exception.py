#!/opt/python2.7/bin/python2.7
# An uncaught exception after the headers: the traceback goes to the log, and what was
# printed before it is still flushed at exit -- the partial document of a CGI process.
import os

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "partial document"
settings = {"colour": "blue"}
print settings["size"]
