#!/usr/bin/python3
# argv: TOKEN. Writes stderr every way a script has (sys.stderr, os.write(2, ...), a child
# process), then more than a pipe holds, before its first byte of stdout.
import os
import sys

token = sys.argv[1]
sys.stderr.write("stderr %s sys.stderr\n" % token)
sys.stderr.flush()
os.write(2, ("stderr %s os.write\n" % token).encode())
os.system("echo stderr %s child >&2" % token)
sys.stderr.write("e" * 200000 + "\n")
print("Content-Type: text/plain")
print()
print("answered " + token)
