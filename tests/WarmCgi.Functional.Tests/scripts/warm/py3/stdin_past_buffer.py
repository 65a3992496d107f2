#!/usr/bin/python3
# Reads one line of the body, then a child reads the rest from fd 0: what the child gets
# is what the interpreter's read buffer (st_blksize) left, as in a CGI process.
import os
import sys

line = sys.stdin.buffer.readline()
sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\n%r\n" % (os.getpid(), line))
sys.stdout.flush()
os.system("wc -c")
