#!/bin/sh
# Output a server must refuse with 502, chosen by the query string.
case "$QUERY_STRING" in
  noheader) printf 'hello world\n' ;;
  malformed) printf 'Content-Type text/plain\n\nbody\n' ;;
  folded) printf 'Content-Type: text/plain\nX-Folded: first\n second\n\nbody\n' ;;
  blankfirst) printf '\nContent-Type: text/plain\n\nbody\n' ;;
  badstatus) printf 'Status: abc\nContent-Type: text/plain\n\nbody\n' ;;
  nothing) ;;
  unfinished) printf 'Content-Type: text/plain\n' ;;
  crash) printf 'Content-Type: text/pl'; kill -KILL $$ ;;
  controlchar) printf 'Content-Type: text/plain\nX-Bad: a\001b\n\nbody\n' ;;
esac
