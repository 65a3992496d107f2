#!/usr/bin/python3
# The first line leaves at once; the last one 2 seconds later.
import sys
import time

sys.stdout.write("Content-Type: text/plain\r\n\r\nfirst line\n")
sys.stdout.flush()
time.sleep(2)
sys.stdout.write("last line\n")
