#!/usr/bin/python3
# Writes 1 MiB of output before it reads a byte of its body: a server that sends the body
# first and reads the output afterwards deadlocks on this one.
import os
import sys

out = sys.stdout.buffer
out.write(b"Content-Type: application/octet-stream\r\n\r\n")
out.write(b"x" * (1 << 20))
out.flush()
body = sys.stdin.buffer.read(int(os.environ.get("CONTENT_LENGTH", "0")))
out.write(b"\nread=%d\n" % len(body))
