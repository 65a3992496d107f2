#!/bin/sh
# An answer that flows for 4 s in small steps: a line every 0.25 s.
printf 'Content-Type: text/plain\n\n'
i=1
while [ $i -le 16 ]; do
  echo "line $i"
  sleep 0.25
  i=$((i + 1))
done
echo done
