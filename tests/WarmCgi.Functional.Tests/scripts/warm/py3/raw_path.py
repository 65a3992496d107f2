#!/usr/bin/python3
# PATH_INFO and a header as bytes: Apache hands a script a Latin-1 %E9 as the one byte 0xE9.
import os
import sys

sys.stdout.write("Content-Type: text/plain\nX-Worker-Pid: %d\n\n" % os.getpid())
sys.stdout.write("path_info=%r\n" % os.environb.get(b"PATH_INFO"))
sys.stdout.write("as_str=%a\n" % os.environ.get("PATH_INFO"))
sys.stdout.write("place=%r\n" % os.environb.get(b"HTTP_X_PLACE"))
