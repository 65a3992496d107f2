#!/usr/bin/python3 -O
# -O on the #! line: __debug__ is False and assert statements are skipped.
import os

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("__debug__=%s" % __debug__)
try:
    assert False, "only without -O"
    print("assert skipped")
except AssertionError:
    print("assert ran")
