#!/bin/sh
# argv (an ISINDEX query): NAME [headers]. The background job that outlives its script: a
# child in a session of its own (setsid) holds stdout open, and the script exits. The
# child's pid goes to $WORK_DIR/NAME.pid, for the test to end it.
name=$1
[ "$2" = headers ] && printf 'Content-Type: text/plain\n\nstarted\n'
setsid sh -c 'echo $$ > "$WORK_DIR/$1.pid.tmp" && mv "$WORK_DIR/$1.pid.tmp" "$WORK_DIR/$1.pid"; exec sleep 60' sh "$name" &
exit 0
