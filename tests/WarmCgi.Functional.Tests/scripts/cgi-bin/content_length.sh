#!/bin/sh
# Framing headers from a script must never reach the client (CVE-2024-24795).
printf 'Content-Type: text/plain\nContent-Length: 5\nTransfer-Encoding: chunked\nConnection: close\n\nhello world, longer than five bytes\n'
