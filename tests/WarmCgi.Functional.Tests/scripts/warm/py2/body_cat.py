#!/opt/python2.7/bin/python2.7
# The body read by a child process: cat copies fd 0 to fd 1.
import subprocess
import sys

sys.stdout.write("Content-Type: text/plain\r\n\r\n")
sys.stdout.flush()
subprocess.check_call(["cat"])
