# No #! line: warm mode runs it with the configured Python. Valid in Python 2 and 3.
import os
import sys

sys.stdout.write("Content-Type: text/plain\n")
sys.stdout.write("X-Worker-Pid: %d\n\n" % os.getpid())
sys.stdout.write("version=" + sys.version.split()[0] + "\n")
