#!/bin/sh
# An answer that flows for 2.4 s in small steps: a line every 0.15 s.
printf 'Content-Type: text/plain\n\n'
i=1
while [ $i -le 16 ]; do
  echo "line $i"
  sleep 0.15
  i=$((i + 1))
done
echo done
