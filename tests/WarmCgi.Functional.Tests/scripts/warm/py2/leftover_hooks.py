#!/opt/python2.7/bin/python2.7
# Leaves a profiler that uses the script's globals behind, as a script may: under CGI it
# ends with its process.
import os
import sys

calls = {}


def profiler(frame, event, arg):
    calls[event] = calls.get(event, 0) + 1


print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "profiled"
sys.setprofile(profiler)
