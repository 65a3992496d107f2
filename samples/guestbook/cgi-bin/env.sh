#!/bin/sh
# Prints the CGI environment: handy to see what a script receives.
echo "Content-Type: text/plain"
echo
env | sort
