#!/opt/python2.7/bin/python2.7
# QUERY_STRING megabytes of output, written as fast as the server takes them.
import os
import sys

megabytes = int(os.environ.get("QUERY_STRING") or "1")
sys.stdout.write("Content-Type: application/octet-stream\r\n")
sys.stdout.write("X-Worker-Pid: %d\r\n\r\n" % os.getpid())
block = "0123456789abcdef" * 4096
for _ in range(megabytes * 16):
    sys.stdout.write(block)
