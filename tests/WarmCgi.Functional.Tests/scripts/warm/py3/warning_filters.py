#!/usr/bin/python3
# Reports the warnings filters once its imports are done, then replaces them: run again by
# the same worker it must report what a fresh CGI process reports.
import decimal
import logging
import os
import threading
import warnings

print("Content-Type: text/plain")
print("X-Worker-Pid: %d" % os.getpid())
print()
for action, message, category, module, lineno in warnings.filters:
    # a regex as its pattern: a Python 2 pattern object's repr holds its address
    print("filter=%s %r %s %r %d" % (action, getattr(message, "pattern", message), category.__name__,
                                   getattr(module, "pattern", module), lineno))
warnings.simplefilter("error")
warnings.filterwarnings("ignore", message="set by an earlier request")
