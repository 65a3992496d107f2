#!/usr/bin/python3
# What a fresh CGI process gives a script: its own __main__, __file__, argv with the
# ISINDEX words, sys.path[0] and cwd = the script's folder. A global set by an earlier run
# is never seen; an instance of a class defined here pickles.
import os
import pickle
import sys

import __main__


class Point(object):
    def __init__(self, x, y):
        self.x, self.y = x, y


DUNDERS = [k for k in list(globals()) if k.startswith("__")]   # what the interpreter put there
earlier = "SET_BY_AN_EARLIER_RUN" in globals()
SET_BY_AN_EARLIER_RUN = True
point = pickle.loads(pickle.dumps(Point(3, 4)))

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("name=" + __name__)
print("main module=%s" % (__main__.__dict__ is globals()))
print("file=" + __file__)
print("argv=%r" % (sys.argv,))
print("path0=" + sys.path[0])
print("cwd=" + os.getcwd())
print("earlier global=%s" % earlier)
print("dunder globals=%s" % sorted(k for k in DUNDERS))
print("unpickled=%s(%d, %d)" % (type(point).__name__, point.x, point.y))
