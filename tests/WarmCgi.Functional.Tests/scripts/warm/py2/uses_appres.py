#!/opt/python2.7/bin/python2.7
# QUERY_STRING: a tag. Answers through appres's own stream: how many lines the requests
# before it logged (its own line is written at its end), once it holds appres's lock.
import os

import appres

appres.log.write("hit\n")
appres.out.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\nlogged=%d\n" % (os.getpid(), appres.logged_before()))
