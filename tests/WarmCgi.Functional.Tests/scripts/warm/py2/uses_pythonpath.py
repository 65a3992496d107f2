#!/opt/python2.7/bin/python2.7
# Imports a module from the folder a mapping's SetEnv PYTHONPATH names (Apache's classic
# "SetEnv PYTHONPATH /srv/app/lib"), read by the interpreter when it starts.
from __future__ import print_function
import os

try:
    import sharedlib
    where = sharedlib.WHERE
except ImportError:
    where = "none"
print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("sharedlib=%s" % where)
