#!/usr/bin/python3
# A multipart form read by cgi.FieldStorage: echoes the text field, then the uploaded file.
import cgi
import sys

form = cgi.FieldStorage()
upload = form["upload"]
out = sys.stdout.buffer
out.write(b"Content-Type: application/octet-stream\r\n\r\n")
out.write(b"note=" + form.getfirst("note").encode("utf-8") + b"\n")
out.write(upload.file.read())
