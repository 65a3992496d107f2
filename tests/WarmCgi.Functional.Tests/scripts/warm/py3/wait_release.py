#!/usr/bin/python3
# argv: NAME. Leaves $WORK_DIR/NAME.started, then holds its worker until NAME.release exists.
import os
import sys
import time

work, name = os.environ["WORK_DIR"], sys.argv[1]
with open(os.path.join(work, name + ".tmp"), "w") as f:
    f.write("%d\n" % os.getpid())
os.rename(os.path.join(work, name + ".tmp"), os.path.join(work, name + ".started"))
while not os.path.exists(os.path.join(work, name + ".release")):
    time.sleep(0.02)
print("Content-Type: text/plain")
print()
print("released " + name)
