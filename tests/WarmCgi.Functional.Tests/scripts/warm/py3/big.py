#!/usr/bin/python3
# QUERY_STRING megabytes of output, written as fast as the server takes them.
import os
import sys

megabytes = int(os.environ.get("QUERY_STRING") or "1")
out = sys.stdout.buffer
out.write(b"Content-Type: application/octet-stream\r\n")
out.write(b"X-Worker-Pid: %d\r\n\r\n" % os.getpid())
block = b"0123456789abcdef" * 4096
for _ in range(megabytes * 16):
    out.write(block)
