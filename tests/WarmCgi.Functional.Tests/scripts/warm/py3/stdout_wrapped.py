#!/usr/bin/python3
# The usual fix for the charset of a script's output: a new TextIOWrapper over stdout's buffer
# (which closes that buffer when it goes away at the end of the script).
import io
import os
import sys

sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="latin-1", errors="replace")
print("Content-Type: text/plain; charset=latin-1")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("caf\u00e9 costs 3 \u20ac")
