#!/usr/bin/perl
# The exact environment the script was started with (Perl adds nothing), one NAME=value a line.
use strict;
use warnings;

print "Content-Type: text/plain\r\n\r\n";
print "$_=$ENV{$_}\n" for sort keys %ENV;
