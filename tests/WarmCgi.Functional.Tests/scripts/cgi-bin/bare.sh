#!/bin/sh
# A document with no Content-Type: the server must not invent one.
printf 'X-Only: yes\n\nraw bytes\n'
