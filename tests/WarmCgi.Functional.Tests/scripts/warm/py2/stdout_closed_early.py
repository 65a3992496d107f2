#!/opt/python2.7/bin/python2.7
# Answers, closes stdout, then keeps working and writes more stderr than a pipe holds: the
# response ends with stdout, and the script still runs to its end.
import os
import sys
import time

sys.stdout.write("Content-Type: text/plain\n\nanswered before closing stdout\n")
sys.stdout.flush()
sys.stdout.close()
os.close(1)
time.sleep(0.05)
for i in range(2000):
    sys.stderr.write("stdout_closed_early.py: line %d %s\n" % (i, "e" * 100))
sys.stderr.write("stdout_closed_early.py: finished\n")
