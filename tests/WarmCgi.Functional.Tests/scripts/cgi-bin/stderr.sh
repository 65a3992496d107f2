#!/bin/sh
echo 'stderr line one' >&2
printf 'Content-Type: text/plain\n\nbody only\n'
echo 'stderr line two' >&2
