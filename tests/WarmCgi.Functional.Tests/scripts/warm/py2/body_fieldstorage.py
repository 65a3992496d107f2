#!/opt/python2.7/bin/python2.7
# A multipart form read by cgi.FieldStorage: echoes the text field, then the uploaded file.
import cgi
import sys

form = cgi.FieldStorage()
upload = form["upload"]
sys.stdout.write("Content-Type: application/octet-stream\r\n\r\n")
sys.stdout.write("note=" + form.getfirst("note") + "\n")
sys.stdout.write(upload.file.read())
