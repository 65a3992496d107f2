#!/opt/python2.7/bin/python2.7
# Flushes a line, buffers another, then os._exit(3): only the flushed line is delivered.
import os
import sys

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "flushed before os._exit"
sys.stdout.flush()
print "buffered, never flushed"
os._exit(3)
