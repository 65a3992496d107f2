#!/usr/bin/python3
# Puts its vendor/ folder first on sys.path and imports colorsys: a fresh process gets the
# app's vendor/colorsys.py, even where a resident interpreter has the stdlib's loaded.
# (?stdlib imports the stdlib's only, loading it for the requests after.)
import os
import sys

if os.environ.get("QUERY_STRING") != "stdlib":
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "vendor"))
import colorsys

sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\n" % os.getpid())
sys.stdout.write("colorsys=%s\n" % ("vendored" if getattr(colorsys, "VENDORED", False) else "stdlib"))
