#!/bin/sh
# A megabyte of stderr before a byte of stdout: a server that reads stderr only after stdout deadlocks.
head -c 1048576 /dev/zero | tr '\0' 'e' >&2
printf 'Content-Type: text/plain\n\nsurvived the flood\n'
