#!/bin/sh
# nph-: the script writes the status line itself.
printf 'HTTP/1.1 299 Custom Status\r\nContent-Type: text/plain\r\nServer: nph-script/1.0\r\nX-Nph: yes\r\n\r\nraw body\n'
