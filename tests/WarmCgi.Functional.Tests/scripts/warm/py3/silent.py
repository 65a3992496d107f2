#!/usr/bin/python3
# Prints nothing at all: the client gets a 502, as from a CGI process that printed no header.
