#!/bin/sh
# Says why on stderr and exits before any output: a 502 whose log tells the whole story.
echo 'fails_loudly: the database is down' >&2
exit 2
