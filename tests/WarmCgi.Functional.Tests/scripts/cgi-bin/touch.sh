#!/bin/sh
# Leaves $WORK_DIR/QUERY_STRING behind: the proof that it ran.
touch "$WORK_DIR/$QUERY_STRING"
printf 'Content-Type: text/plain\n\ntouched\n'
