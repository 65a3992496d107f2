#!/bin/sh
printf 'Status: 418 I am a teapot\nContent-Type: text/plain\nX-Custom: kept\nDate: Mon, 01 Jan 2001 00:00:00 GMT\nServer: teapot-script/1.0\n\nshort and stout\n'
