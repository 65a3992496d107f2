#!/usr/bin/python3
# Source under the document root: must never be downloadable.
print("Content-Type: text/plain\n\nPY-SOURCE-MARKER")
