#!/bin/sh
# A page with its own validators, as cgit, gitweb and hgweb send them; ?status adds the
# "Status: 200 OK" that wsgiref's CGIHandler always sends.
[ "$QUERY_STRING" = status ] && printf 'Status: 200 OK\n'
printf 'Content-Type: text/plain\nETag: "v1"\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\n\nversion 1\n'
