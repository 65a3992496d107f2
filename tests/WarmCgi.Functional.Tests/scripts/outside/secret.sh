#!/bin/sh
# Outside every script root: reaching it through the server is a traversal.
touch "$WORK_DIR/secret-ran"
printf 'Content-Type: text/plain\n\nTOP-SECRET-OUTPUT\n'
