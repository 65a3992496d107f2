#!/usr/bin/python3
# argv: NAME. The first line leaves at once; the last one once $WORK_DIR/NAME.release
# exists (or after 30 s), so a test can tell streaming from buffering without a clock.
import os
import sys
import time

release = os.path.join(os.environ["WORK_DIR"], sys.argv[1] + ".release")
sys.stdout.write("Content-Type: text/plain\r\n\r\nfirst line\n")
sys.stdout.flush()
for _ in range(1500):
    if os.path.exists(release):
        break
    time.sleep(0.02)
sys.stdout.write("last line\n")
