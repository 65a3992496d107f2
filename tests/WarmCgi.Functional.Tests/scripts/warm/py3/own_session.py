#!/usr/bin/python3
# A CGI process leads its own process group and session: os.setsid() fails, and the classic
# "stop my helpers" -- SIGTERM to its own group, itself shielded -- reaches its own only.
import errno
import os
import signal
import subprocess

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("group leader=%s" % (os.getpgrp() == os.getpid()))
print("session leader=%s" % (os.getsid(0) == os.getpid()))
try:
    os.setsid()
    print("setsid=ok")
except OSError as e:
    print("setsid=%s" % errno.errorcode[e.errno])
helper = subprocess.Popen(["sleep", "30"])
signal.signal(signal.SIGTERM, signal.SIG_IGN)
os.killpg(os.getpgrp(), signal.SIGTERM)
print("helper returncode=%d" % helper.wait())
