#!/bin/sh
# nph- for an HTTP/1.0 client: its own status line, no Date, no framing but the close.
printf 'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold client\n'
