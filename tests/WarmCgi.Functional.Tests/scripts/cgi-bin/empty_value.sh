#!/bin/sh
# A header whose value is empty ("X-Empty:"), beside one with a value.
printf 'Content-Type: text/plain\nX-Empty:\nX-Full: yes\n\nbody\n'
