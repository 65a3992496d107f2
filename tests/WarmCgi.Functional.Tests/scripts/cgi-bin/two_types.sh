#!/bin/sh
# A script that names its Content-Type twice (a library's default, then its own).
printf 'Content-Type: text/plain\nContent-Type: text/html; charset=utf-8\n\n<p>html</p>\n'
