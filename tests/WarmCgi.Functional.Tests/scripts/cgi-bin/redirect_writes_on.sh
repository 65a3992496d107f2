#!/bin/sh
# A local redirect whose script writes on for 4 s (a body nobody reads), then leaves
# $WORK_DIR/$1.finished: it was not killed for a timeout while it kept writing.
printf 'Location: /cgi-bin/env.py?after=redirect\n\n'
i=0
while [ $i -lt 16 ]; do
  echo "ignored $i"
  sleep 0.25
  i=$((i + 1))
done
touch "$WORK_DIR/$1.finished"
