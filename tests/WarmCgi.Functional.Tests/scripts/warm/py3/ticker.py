#!/usr/bin/python3
# Streams a line every 0.1 s for ever, like a long report or a progress page.
import os
import sys
import time

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
sys.stdout.flush()
while True:
    print("tick")
    sys.stdout.flush()
    time.sleep(0.1)
