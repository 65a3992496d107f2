#!/opt/python2.7/bin/python2.7
# Prints nothing at all: the client gets a 502, as from a CGI process that printed no header.
