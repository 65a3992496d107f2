#!/opt/python2.7/bin/python2.7
# Reports whether fd 2 blocks, as a fresh process has it, then makes it non-blocking (as
# asyncio's connect_write_pipe does).
import fcntl
import os

flags = fcntl.fcntl(2, fcntl.F_GETFL)
print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "stderr non-blocking=%s" % bool(flags & os.O_NONBLOCK)
fcntl.fcntl(2, fcntl.F_SETFL, flags | os.O_NONBLOCK)
