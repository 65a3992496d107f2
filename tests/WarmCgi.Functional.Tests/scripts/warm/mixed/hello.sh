#!/bin/sh
# Not Python: runs cold even in a warm mapping, as a child of the server.
printf 'Content-Type: text/plain\n\npid=%s\nppid=%s\n' "$$" "$PPID"
