#!/opt/python2.7/bin/python2.7
# A Latin-1 byte in a string and no coding line: Python 2 refuses the file (PEP 263).
print "Content-Type: text/plain"
print
print "café"
