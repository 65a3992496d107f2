#!/usr/bin/python3
# A slow report that prints as it goes: a line every 0.15 s for 2.4 s, longer than a 1 s
# timeout but never silent for that long.
import sys
import time

print("Content-Type: text/plain")
print()
for i in range(16):
    print("row %d" % i)
    sys.stdout.flush()
    time.sleep(0.15)
print("done")
