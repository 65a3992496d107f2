#!/usr/bin/python3
# Prints nothing, after running long enough for the worker's helper thread to stream its
# (empty) output: the end of stdout then reaches the server before the end of the request.
import time

time.sleep(0.1)
