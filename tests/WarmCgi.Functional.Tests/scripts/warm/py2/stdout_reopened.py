#!/opt/python2.7/bin/python2.7
# The classic Python 2 idiom for unbuffered output: fd 1 reopened with buffering 0 (the new
# file object owns fd 1 and closes it at the end of the script).
import os
import sys

sys.stdout = os.fdopen(sys.stdout.fileno(), "w", 0)
print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "before the child"
os.system("echo child")
print "after the child"
