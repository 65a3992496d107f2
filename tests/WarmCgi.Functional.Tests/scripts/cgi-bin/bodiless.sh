#!/bin/sh
# A status that forbids a body (QUERY_STRING: 204 or 304), from a script that sends one anyway.
case "$QUERY_STRING" in
  204) printf 'Status: 204 No Content\n\nthis body must be dropped\n' ;;
  304) printf 'Status: 304 Not Modified\nETag: "v1"\n\nthis body must be dropped\n' ;;
esac
