#!/opt/python2.7/bin/python2.7
# argv: NAME. "Start the job in the background": the answer, flushed, then a child left
# running with stdout open, which writes its line once $WORK_DIR/NAME.release exists (or
# after 30 s) and ends the response by exiting.
import os
import sys
import time

work, name = os.environ["WORK_DIR"], sys.argv[1]
sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\nstarted %s\n" % (os.getpid(), name))
sys.stdout.flush()
if os.fork() == 0:
    for _ in range(1500):
        if os.path.exists(os.path.join(work, name + ".release")):
            break
        time.sleep(0.02)
    os.write(1, b"job done\n")
    os._exit(0)
