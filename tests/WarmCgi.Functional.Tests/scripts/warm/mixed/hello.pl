#!/usr/bin/perl
# Not Python: runs cold even in a warm mapping, as a child of the server.
print "Content-Type: text/plain\n\npid=$$\nppid=" . getppid() . "\n";
