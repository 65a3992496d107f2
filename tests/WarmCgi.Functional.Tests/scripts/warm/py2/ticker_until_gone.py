#!/opt/python2.7/bin/python2.7
# argv: NAME. Streams a line every 0.05 s until its reader is gone: then, as a CGI process
# does, it gets EPIPE, and leaves $WORK_DIR/NAME.gone before it ends.
import errno
import os
import sys
import time

print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
try:
    for _ in range(1200):
        print "tick"
        sys.stdout.flush()
        time.sleep(0.05)
except IOError as e:
    if e.errno != errno.EPIPE:
        raise
    open(os.path.join(os.environ["WORK_DIR"], sys.argv[1] + ".gone"), "w").close()
    sys.stdout = open(os.devnull, "w")   # nothing left to flush into the broken pipe
