#!/opt/python2.7/bin/python2.7
# Imports appmod from its own folder and counts the imports it has seen.
import os

import appmod

appmod.hits += 1
print "Content-Type: text/plain"
print "X-Worker-Pid: %d" % os.getpid()
print
print "value=" + appmod.VALUE
print "hits=%d" % appmod.hits
