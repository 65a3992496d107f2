#!/usr/bin/python3
# What a child process sees of the C environment, before and after this script changes it
# with os.putenv and os.unsetenv (out of os.environ's sight): an earlier request's changes
# must not show in "before".
import os
import subprocess

SHOW = ["sh", "-c", 'echo "${WARMCGI_PUTENV-unset}|${SERVER_NAME-unset}"']
before = subprocess.check_output(SHOW)
os.putenv("WARMCGI_PUTENV", "left by " + os.environ.get("QUERY_STRING", ""))
os.unsetenv("SERVER_NAME")
after = subprocess.check_output(SHOW)

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("before=" + before.decode().strip())
print("after=" + after.decode().strip())
