#!/bin/sh
# A page with its own validators, as cgit, gitweb and hgweb send them.
printf 'Content-Type: text/plain\nETag: "v1"\nLast-Modified: Mon, 01 Jan 2024 00:00:00 GMT\n\nversion 1\n'
