#!/usr/bin/python3
# A non-daemon thread prints after the main code is done; with the ISINDEX word
# "register", an atexit handler prints after that.
import atexit
import os
import sys
import threading
import time

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
if "register" in sys.argv:
    atexit.register(print, "atexit handler ran")


def late():
    time.sleep(0.2)
    print("thread finished")


threading.Thread(target=late).start()
print("main code done")
