#!/usr/bin/python3
# cgitb.enable(), then an error: cgitb's HTML traceback is the response.
import cgitb
import os

cgitb.enable()

print("Content-Type: text/html")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("<p>partial page</p>")
divisor = 0
print(1 / divisor)
