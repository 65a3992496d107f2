#!/bin/sh
# An answer that keeps flowing for longer than the half-close grace: a line every 0.4 s.
printf 'Content-Type: text/plain\n\n'
for i in 1 2 3 4 5 6 7 8 9 10; do
  echo "line $i"
  sleep 0.4
done
echo done
