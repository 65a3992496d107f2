#!/usr/bin/python3
# A page object whose __del__ writes its footer with the script's own imports: at a CGI
# process's exit the interpreter's last collection runs it, the globals still there.
import json
import os
import sys

STAMP = "generated"


class Page(object):
    def __del__(self):
        sys.stdout.write("footer=%s %s\n" % (STAMP, json.dumps(["done"])))


print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
page = Page()
