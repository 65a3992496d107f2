#!/usr/bin/python3
# Echoes this request's own query, cookie and body, what a child process sees of them,
# and whether a variable an earlier request set in os.environ is still there; then sets it.
import os
import subprocess
import sys

body = sys.stdin.read(int(os.environ.get("CONTENT_LENGTH") or 0))
earlier = os.environ.get("WARMCGI_LEFTOVER", "unset")
child = subprocess.check_output(
    ["sh", "-c", 'echo "$QUERY_STRING|${HTTP_COOKIE-no cookie}|${WARMCGI_LEFTOVER-unset}"'])
os.environ["WARMCGI_LEFTOVER"] = "left by " + os.environ.get("QUERY_STRING", "")

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("query=" + os.environ.get("QUERY_STRING", ""))
print("cookie=" + os.environ.get("HTTP_COOKIE", "no cookie"))
print("body=" + body)
print("leftover=" + earlier)
print("child=" + child.decode().strip())
print("names=" + " ".join(sorted(os.environ)))
