#!/bin/sh
# Silent 2 s, then its head; silent 2 s more, then its body: never 3 s of silence, but
# more than 3 s in all.
sleep 2
printf 'Content-Type: text/plain\n\n'
sleep 2
echo done
