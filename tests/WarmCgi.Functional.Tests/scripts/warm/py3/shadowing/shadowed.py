#!/usr/bin/python3
# Imports calendar: under CGI the script's folder comes first in sys.path, so the app's
# calendar.py beside it wins over the stdlib's, even in a worker that has the stdlib's loaded.
import os
import calendar

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("calendar=" + getattr(calendar, "WHO", "the stdlib's"))
