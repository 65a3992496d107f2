#!/opt/python2.7/bin/python2.7
# A WSGI app run as CGI through wsgiref's BaseCGIHandler: its environ is os.environ as
# wsgiref copied it at import (BaseHandler.os_environ) plus the dict given here.
import os
import sys
from wsgiref.handlers import BaseCGIHandler


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("X-Worker-Pid", str(os.getpid()))])
    return ["cookie=%s\n" % environ.get("HTTP_COOKIE", "none")]


BaseCGIHandler(sys.stdin, sys.stdout, sys.stderr, {"SCRIPT_NAME": ""},
               multithread=False, multiprocess=True).run(app)
