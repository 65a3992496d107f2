#!/opt/python2.7/bin/python2.7 -u
# -*- coding: utf-8 -*-
# The std streams' encodings (PYTHONIOENCODING, where the operator set it), and a unicode
# print that needs one.
import os
import sys

sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\n" % os.getpid())
print "encodings=%s %s %s" % (sys.stdin.encoding, sys.stdout.encoding, sys.stderr.encoding)
print u"text=caf\xe9 \u2603"
