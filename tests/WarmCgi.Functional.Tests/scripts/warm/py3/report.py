#!/usr/bin/python3
# A slow report that prints as it goes: a line every 0.25 s for 4 s, longer than a 3 s
# timeout but never silent for that long.
import sys
import time

print("Content-Type: text/plain")
print()
for i in range(16):
    print("row %d" % i)
    sys.stdout.flush()
    time.sleep(0.25)
print("done")
