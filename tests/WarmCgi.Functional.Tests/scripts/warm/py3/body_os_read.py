#!/usr/bin/python3
# The body read with os.read(0, n) up to CONTENT_LENGTH, echoed with os.write(1, ...).
import os

left = int(os.environ["CONTENT_LENGTH"])
chunks = []
while left > 0:
    data = os.read(0, min(left, 65536))
    if not data:
        break
    chunks.append(data)
    left -= len(data)
os.write(1, b"Content-Type: text/plain\r\n\r\n" + b"".join(chunks))
