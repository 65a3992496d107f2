#!/bin/sh
printf 'Content-Type: text/plain\n\ninner\n'
