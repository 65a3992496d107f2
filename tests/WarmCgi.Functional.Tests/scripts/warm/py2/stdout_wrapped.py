#!/opt/python2.7/bin/python2.7
# The usual fix for the charset of a Python 2 script: a codecs writer over stdout.
import codecs
import os
import sys

sys.stdout = codecs.getwriter("latin-1")(sys.stdout, "replace")
print "Content-Type: text/plain; charset=latin-1"
print "X-Worker-Pid: %d" % os.getpid()
print
print u"caf\xe9 costs 3 \u20ac"
