#!/bin/sh
# Runs (with a grandchild) until killed. argv (an ISINDEX query): NAME [headers] [stubborn|polite].
# Writes $WORK_DIR/NAME.pid and NAME.grandchild so the test can check both are gone;
# stubborn ignores SIGTERM, polite leaves NAME.term when SIGTERM arrives, then exits.
name=$1
shift
for mode in "$@"; do
  case "$mode" in
    stubborn) trap '' TERM ;;
    polite) trap 'echo term > "$WORK_DIR/$name.term.tmp"; mv "$WORK_DIR/$name.term.tmp" "$WORK_DIR/$name.term"; exit 0' TERM ;;
    headers) printf 'Content-Type: text/plain\n\nstarted\n' ;;
  esac
done
sleep 100 &
echo $! > "$WORK_DIR/$name.grandchild.tmp" && mv "$WORK_DIR/$name.grandchild.tmp" "$WORK_DIR/$name.grandchild"
echo $$ > "$WORK_DIR/$name.pid.tmp" && mv "$WORK_DIR/$name.pid.tmp" "$WORK_DIR/$name.pid"
while :; do sleep 100; done
