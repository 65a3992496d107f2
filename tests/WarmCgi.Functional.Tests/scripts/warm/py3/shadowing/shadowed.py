#!/usr/bin/python3
# Imports calendar: under CGI the script's folder comes first in sys.path, so the app's
# calendar.py beside it wins over the stdlib's, even in a worker that has the stdlib's loaded;
# for the stdlib modules this script's imports load too (email._parseaddr imports calendar).
import os
import calendar
import email.utils   # whose import chain imports calendar too, here the app's

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
print("calendar=" + getattr(calendar, "WHO", "the stdlib's"))
