#!/bin/sh
# The redirect kinds of RFC 3875 6.2, chosen by the query string.
case "$QUERY_STRING" in
  local) printf 'Location: /cgi-bin/env.py?redirected=1\n\n' ;;
  loop) printf 'Location: /cgi-bin/redirect.sh?loop\n\n' ;;
  missing) printf 'Location: /cgi-bin/missing.py\n\n' ;;
  client) printf 'Location: http://example.com/elsewhere\n\nthis body is never sent\n' ;;
  document) printf 'Status: 301 Moved Permanently\nLocation: http://example.com/moved\nContent-Type: text/html\n\n<a href="http://example.com/moved">moved</a>\n' ;;
  *) printf 'Status: 400 Bad Request\nContent-Type: text/plain\n\nunknown redirect kind\n' ;;
esac
