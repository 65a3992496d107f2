#!/usr/bin/perl
# Reads stdin to EOF and reports what arrived: its length and SHA-256, and CONTENT_LENGTH.
use strict;
use warnings;
use Digest::SHA;

binmode STDIN;
my $sha = Digest::SHA->new(256);
my $total = 0;
while (1) {
    my $n = read(STDIN, my $buffer, 65536);
    die "read failed: $!" unless defined $n;
    last if $n == 0;
    $sha->add($buffer);
    $total += $n;
}
print "Content-Type: text/plain\r\n\r\n";
print "content_length=", ($ENV{CONTENT_LENGTH} // "unset"), "\n";
print "read=$total\n";
print "sha256=", $sha->hexdigest, "\n";
print "method=$ENV{REQUEST_METHOD}\n";
