#!/usr/bin/python3
# argv: NAME. Ignores SIGTERM, and so does the child it starts (sleep 100: an ignored signal
# stays ignored across exec); leaves $WORK_DIR/NAME.pid and NAME.child, then sleeps. Only
# SIGKILL ends either.
import os
import signal
import subprocess
import sys
import time

signal.signal(signal.SIGTERM, signal.SIG_IGN)
work, name = os.environ["WORK_DIR"], sys.argv[1]
child = subprocess.Popen(["sleep", "100"])
for suffix, pid in ((".child", child.pid), (".pid", os.getpid())):
    with open(os.path.join(work, name + suffix + ".tmp"), "w") as f:
        f.write("%d\n" % pid)
    os.rename(os.path.join(work, name + suffix + ".tmp"), os.path.join(work, name + suffix))
time.sleep(100)
