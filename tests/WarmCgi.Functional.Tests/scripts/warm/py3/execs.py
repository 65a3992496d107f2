#!/usr/bin/python3
# A wrapper that hands the request over to another program with os.exec*: the program's
# output is the response, and what the script printed without flushing is lost with it.
# ?missing: the exec fails, the script goes on and says so.
import os
import sys

if sys.argv[1:] == ["missing"]:
    print("Content-Type: text/plain")
    print("X-Worker-Pid: %d\n" % os.getpid())
    try:
        os.execv("/nonexistent/program", ["program"])
    except OSError as e:
        print("exec failed: %r" % (e,))
        sys.exit(0)
print("never flushed: lost when the process image is replaced")
os.environ["HANDED_OVER"] = "by the wrapper"
os.execvp("sh", ["sh", "-c", 'printf "Content-Type: text/plain\\n\\n$HANDED_OVER, query $QUERY_STRING\\n"; cat; exit 3'])
