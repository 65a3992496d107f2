# An app's own copy of a module the stdlib has too (as apps vendor six or simplejson).
VENDORED = True
