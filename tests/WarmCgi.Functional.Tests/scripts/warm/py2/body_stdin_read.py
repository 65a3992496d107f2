#!/opt/python2.7/bin/python2.7
# The body read with sys.stdin.read(), echoed.
import os
import sys

body = sys.stdin.read(int(os.environ["CONTENT_LENGTH"]))
sys.stdout.write("Content-Type: text/plain\r\n\r\n")
sys.stdout.write(body)
