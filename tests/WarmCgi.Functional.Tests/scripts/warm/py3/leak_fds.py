#!/usr/bin/python3
# Opens five files and never closes them: a CGI process's exit would close them.
import os

for _ in range(5):
    os.open(__file__, os.O_RDONLY)
print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("leaked 5")
