#!/usr/bin/python3
# The script's view of its request: environment, working directory and argv, as JSON.
import json
import os
import sys

sys.stdout.write("Content-Type: application/json\r\n\r\n")
json.dump({"env": dict(os.environ), "cwd": os.getcwd(), "argv": sys.argv[1:]}, sys.stdout)
