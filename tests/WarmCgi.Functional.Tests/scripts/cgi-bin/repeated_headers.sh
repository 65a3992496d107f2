#!/bin/sh
# A script that names headers more than once: a cache library's directive and then its own,
# a redirect target replaced, and two cookies.
printf 'Content-Type: text/plain\nCache-Control: no-cache\nX-Tag: a\nCache-Control: private\nx-tag: b\nSet-Cookie: a=1\nSet-Cookie: b=2\nStatus: 301 Moved\nLocation: http://example.com/old\nLocation: http://example.com/new\n\nmoved\n'
