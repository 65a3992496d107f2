#!/usr/bin/python3
# Tees its output into a list by rebinding sys.stdout.write (an instance attribute of the
# stream): the next request must not find the tee -- whose list died with this script --
# still on its stdout.
import os
import sys

seen = []
real_write = sys.stdout.write


def tee(text):
    seen.append(text)
    return real_write(text)


sys.stdout.write = tee
print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("teed %d writes" % len(seen))
