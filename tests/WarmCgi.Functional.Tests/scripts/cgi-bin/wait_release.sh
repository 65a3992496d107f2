#!/bin/sh
# Holds a process slot until the test creates $WORK_DIR/NAME.release (NAME is the query).
touch "$WORK_DIR/$QUERY_STRING.started"
while [ ! -e "$WORK_DIR/$QUERY_STRING.release" ]; do sleep 0.05; done
printf 'Content-Type: text/plain\n\nreleased %s\n' "$QUERY_STRING"
