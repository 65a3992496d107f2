#!/usr/bin/python3
# argv: NAME. The head leaves at once, with no body; the body once $WORK_DIR/NAME.release
# exists (or after 30 s): a "please wait" page, as a long poll or an event stream starts.
import os
import sys
import time

release = os.path.join(os.environ["WORK_DIR"], sys.argv[1] + ".release")
sys.stdout.write("Content-Type: text/plain\r\nX-Head: first\r\n\r\n")
sys.stdout.flush()
for _ in range(1500):
    if os.path.exists(release):
        break
    time.sleep(0.02)
sys.stdout.write("body\n")
