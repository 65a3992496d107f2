#!/opt/python2.7/bin/python2.7
# The Python 2 idiom for utf-8 everywhere: reload(sys) brings back the interpreter's own
# sys.stdin. The script reads the body's first line only; the next request's script must
# not read this one's other lines.
import os
import sys

reload(sys)
sys.setdefaultencoding("utf-8")
line = sys.stdin.readline()
print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "first line=%r" % line
