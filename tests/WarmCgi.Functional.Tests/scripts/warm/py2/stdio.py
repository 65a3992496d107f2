#!/opt/python2.7/bin/python2.7
# Writes through every way a CGI script has -- print, sys.stdout.write, os.write(1, ...),
# os.system, subprocess -- flushing only once: the bytes must come out in the order a CGI
# process gives them, buffering included.
import os
import subprocess
import sys

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "print 1"
sys.stdout.flush()
os.system("echo os.system")
print "print 2"
os.write(1, "os.write\n")
sys.stdout.write("stdout.write\n")
subprocess.call(["echo", "subprocess"])
print >> sys.stderr, "stdio.py: this line goes to the log"
print "print 3"
