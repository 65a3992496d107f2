#!/usr/bin/python3
# Mercurial's example hgweb.cgi, reading its config path from the environment.
import os

config = os.environb[b"HGWEB_CONFIG"]

from mercurial import demandimport

demandimport.enable()
from mercurial.hgweb import hgweb, wsgicgi

application = hgweb(config)
wsgicgi.launch(application)
