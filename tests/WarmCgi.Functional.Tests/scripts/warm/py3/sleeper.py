#!/usr/bin/python3
# argv: NAME. Starts a child (sleep 100), leaves $WORK_DIR/NAME.pid and NAME.child, then
# sleeps until killed.
import os
import subprocess
import sys
import time

work, name = os.environ["WORK_DIR"], sys.argv[1]
child = subprocess.Popen(["sleep", "100"])
for suffix, pid in ((".child", child.pid), (".pid", os.getpid())):
    with open(os.path.join(work, name + suffix + ".tmp"), "w") as f:
        f.write("%d\n" % pid)
    os.rename(os.path.join(work, name + suffix + ".tmp"), os.path.join(work, name + suffix))
time.sleep(100)
