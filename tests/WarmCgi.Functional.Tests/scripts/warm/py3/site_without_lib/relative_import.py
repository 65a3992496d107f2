#!/usr/bin/python3
# The classic sys.path.append('lib') of an app, relative to its folder (the cwd). Each
# folder must import its own lib/ (or find none), whichever folder the worker saw first.
from __future__ import print_function
import os
import sys

sys.path.insert(0, "lib")
try:
    import siteconf
    where = siteconf.WHERE
except ImportError:
    where = "none"
print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("siteconf=%s" % where)
