#!/opt/python2.7/bin/python2.7
# QUERY_STRING: a tag. A log object in a reference cycle, with a file the interpreter's
# last collection flushes at exit; the allocation after it moves the cycle to the oldest
# generation, as a real page's work would.
import os

path = os.path.join(os.environ["WORK_DIR"], "cycle-" + os.environ["QUERY_STRING"] + ".log")


class Log(object):
    def __init__(self):
        self.f = open(path, "a")
        self.me = self


before = open(path).read().count("\n") if os.path.exists(path) else 0
log = Log()
log.f.write("hit\n")
junk = [[i] for i in range(200000)]
os.write(1, ("Content-Type: text/plain\nX-Worker-Pid: %d\n\nlogged=%d\n" % (os.getpid(), before)).encode())
