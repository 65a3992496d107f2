#!/usr/bin/python3
# argv: NAME. Streams a line every 0.05 s until its reader is gone: then, as a CGI process
# does, it gets a BrokenPipeError, and leaves $WORK_DIR/NAME.gone before it ends.
import os
import sys
import time

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
try:
    for _ in range(1200):
        print("tick")
        sys.stdout.flush()
        time.sleep(0.05)
except BrokenPipeError:
    open(os.path.join(os.environ["WORK_DIR"], sys.argv[1] + ".gone"), "w").close()
    sys.stdout = open(os.devnull, "w")   # nothing left to flush into the broken pipe
