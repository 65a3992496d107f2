#!/usr/bin/python3
# Reports the worker's pid and the Python that runs it.
import os
import sys

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("version=" + sys.version.split()[0])
