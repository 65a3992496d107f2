#!/bin/sh
# A Last-Modified in the form the query names.
case "$QUERY_STRING" in
    rfc850) date='Monday, 01-Jan-24 00:00:00 GMT' ;;
    asctime) date='Mon Jan  1 00:00:00 2024' ;;
    future) date='Mon, 01 Jan 2035 00:00:00 GMT' ;;
    *) date='garbage' ;;
esac
printf 'Content-Type: text/plain\nLast-Modified: %s\n\ndated\n' "$date"
