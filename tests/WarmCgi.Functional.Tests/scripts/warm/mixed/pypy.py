#!/usr/bin/pypy3
# Reports the worker's pid and the Python that runs it.
import os
import platform

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("implementation=" + platform.python_implementation())
