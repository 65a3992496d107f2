#!/usr/bin/python3
# Ends the way its ISINDEX word says, inside try/finally: the finally block runs, the code
# after it does not, and the request ends normally.
import os
import sys

how = sys.argv[1]
print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("before " + how)
try:
    if how == "sys.exit":
        sys.exit(0)
    elif how == "exit":
        exit(3)
    elif how == "quit":
        quit()
    elif how == "SystemExit":
        raise SystemExit("exits.py: a message for stderr")
finally:
    print("finally ran")
print("not reached")
