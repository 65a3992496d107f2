#!/usr/bin/python3 -u
# stdio.py with -u on its #! line: unbuffered, so in the order of the calls.
import os
import subprocess
import sys

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("print 1")
sys.stdout.flush()
os.system("echo os.system")
print("print 2")
os.write(1, b"os.write\n")
sys.stdout.buffer.write(b"stdout.buffer\n")
subprocess.call(["echo", "subprocess"])
sys.stderr.write("stdio.py: this line goes to the log\n")
print("print 3")
