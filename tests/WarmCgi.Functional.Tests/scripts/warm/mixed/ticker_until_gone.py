#!/usr/bin/pypy3
# argv: NAME [fast]. Streams a line every 0.05 s (or 64 KiB lines at once) until its reader is gone: then, as a CGI process
# does, it gets a BrokenPipeError, and leaves $WORK_DIR/NAME.gone before it ends.
import os
import sys
import time

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
fast = sys.argv[2:] == ["fast"]   # a download's pace: the pipe never empties
try:
    for _ in range(1200):
        print("tick" * (16384 if fast else 1))
        sys.stdout.flush()
        if not fast:
            time.sleep(0.05)
except BrokenPipeError:
    open(os.path.join(os.environ["WORK_DIR"], sys.argv[1] + ".gone"), "w").close()
    sys.stdout = open(os.devnull, "w")   # nothing left to flush into the broken pipe
