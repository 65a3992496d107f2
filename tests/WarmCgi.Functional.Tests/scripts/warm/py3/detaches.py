#!/usr/bin/python3
# argv: NAME. The classic "answer now, work on": the response, then fd 1 closed, then work
# that lasts until $WORK_DIR/NAME.release exists (or 30 s); it leaves NAME.done at its end.
import os
import sys
import time

work, name = os.environ["WORK_DIR"], sys.argv[1]
sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\naccepted %s\n" % (os.getpid(), name))
sys.stdout.flush()
os.close(1)
sys.stdout = open(os.devnull, "w")
for _ in range(1500):
    if os.path.exists(os.path.join(work, name + ".release")):
        break
    time.sleep(0.02)
open(os.path.join(work, name + ".done"), "w").close()
