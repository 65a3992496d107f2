#!/bin/sh
# Installed without execute permission: must never run, nor be served as source.
touch "$WORK_DIR/noexec-ran"
printf 'Content-Type: text/plain\n\nNOEXEC-SOURCE-MARKER\n'
