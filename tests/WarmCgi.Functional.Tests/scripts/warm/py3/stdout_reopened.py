#!/usr/bin/python3
# Another fix seen in the wild: fd 1 reopened, line-buffered (the new stream owns fd 1 and
# closes it at the end of the script).
import os
import sys

sys.stdout = open(sys.stdout.fileno(), "w", encoding="utf-8", buffering=1)
print("Content-Type: text/plain; charset=utf-8")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("caf\u00e9 before the child")
os.system("echo child")
print("after the child")
