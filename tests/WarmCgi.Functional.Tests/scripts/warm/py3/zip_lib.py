#!/usr/bin/python3
# Imports its library from a zip on sys.path (an app shipped as lib.zip), rebuilt by the
# test between requests: each request must read the zip as it is now, as a new process does.
import os
import sys

sys.path.insert(0, os.path.join(os.environ["WORK_DIR"], "zip_lib", "lib.zip"))
import zmod

sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\nversion=%s\n" % (os.getpid(), zmod.VERSION))
