#!/usr/bin/python3
# Output past the buffer, then a child writing to fd 1: the child's line lands where the
# interpreter's buffer size (st_blksize, 4 KiB for a pipe) puts it -- mid-page under CGI.
import os
import sys

sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\n" % os.getpid())
sys.stdout.flush()
for i in range(120):
    print("row %03d: some cell content here to make a realistic line of a table" % i)
os.system("echo CHILD")
sys.stdout.buffer.write(b"B" * 5000 + b"\n")
os.write(1, b"MARK\n")
print("tail")
