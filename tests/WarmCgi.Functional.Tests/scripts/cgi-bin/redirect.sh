#!/bin/sh
# The redirect kinds of RFC 3875 6.2, chosen by the query string.
case "$QUERY_STRING" in
  local) printf 'Location: /cgi-bin/env.py?redirected=1\n\n' ;;
  loop) printf 'Location: /cgi-bin/redirect.sh?loop\n\n' ;;
  missing) printf 'Location: /cgi-bin/missing.py\n\n' ;;
  client) printf 'Location: http://example.com/elsewhere\nContent-Type: text/plain\nX-Kept: yes\n\nthis body is never sent\n' ;;
  client_query) printf '%s\n\n' 'Location: http://example.com/q?a="1"&b=<x>' ;;
  cookie) printf 'Set-Cookie: sid=2; Path=/\nLocation: /cgi-bin/env.py?after=cookie\n\n' ;;
  headers) printf 'Cache-Control: no-store\nX-Kept: yes\nContent-Type: text/x-dropped\nETag: "redirecting"\nLocation: /cgi-bin/env.py?after=headers\n\n' ;;
  badheader) printf 'X-Bad: a\033b\nLocation: /index.html\n\n' ;;
  static) printf 'Set-Cookie: seen=1\nCache-Control: no-store\nLocation: /index.html\n\n' ;;
  fragment) printf 'Location: /cgi-bin/env.py?frag=1#top\n\n' ;;
  status200) printf 'Status: 200 OK\nLocation: http://example.com/elsewhere\nContent-Type: text/html\n\nthis body is never sent\n' ;;
  document) printf 'Status: 301 Moved Permanently\nLocation: http://example.com/moved\nContent-Type: text/html\n\n<a href="http://example.com/moved">moved</a>\n' ;;
  *) printf 'Status: 400 Bad Request\nContent-Type: text/plain\n\nunknown redirect kind\n' ;;
esac
