#!/bin/sh
# Writes its error message the way many shell scripts do: to /dev/stderr, which must open.
echo 'through /dev/stderr' > /dev/stderr
printf 'Content-Type: text/plain\n\nanswered\n'
