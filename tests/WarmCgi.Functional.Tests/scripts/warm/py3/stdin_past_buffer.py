#!/usr/bin/python3
# Reads one line of the body, then a child reads the rest from fd 0: what the child gets
# is what the interpreter's read buffer left, as in a CGI process. How much the buffer took
# depends on how the body arrived, so the script says it (peek) beside the child's count.
import os
import sys

line = sys.stdin.buffer.readline()
buffered = len(sys.stdin.buffer.peek())
sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\n%r\n%d\n" % (os.getpid(), line, buffered))
sys.stdout.flush()
os.system("wc -c")
