#!/opt/python2.7/bin/python2.7
# Kills its own process with SIGKILL -- at once ("silent"), or after flushing part of a
# document ("after-output").
import os
import signal
import sys

if sys.argv[1] == "after-output":
    print "Content-Type: text/plain"
    print "X-Worker-Pid: %d" % os.getpid()
    print
    print "flushed before the crash"
    sys.stdout.flush()
os.kill(os.getpid(), signal.SIGKILL)
