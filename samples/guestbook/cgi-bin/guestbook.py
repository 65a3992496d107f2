#!/usr/bin/python3
# A guestbook in the style of the CGI sites of the 2000s: the cgi module, SQLite, a form POST
# and a redirect after the post. WarmCgi serves it unmodified, cold or warm.
import warnings
warnings.filterwarnings("ignore", category=DeprecationWarning)  # cgi is deprecated in 3.11; still here
import cgi
import html
import os
import sqlite3
import time

DB = os.environ.get("GUESTBOOK_DB", os.path.join(os.path.dirname(os.path.abspath(__file__)), "guestbook.db"))


def connect():
    db = sqlite3.connect(DB)
    db.execute("CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, name TEXT, message TEXT, posted REAL)")
    return db


def add_entry(form):
    name = form.getfirst("name", "").strip()[:80] or "anonymous"
    message = form.getfirst("message", "").strip()[:2000]
    if message:
        with connect() as db:
            db.execute("INSERT INTO entries (name, message, posted) VALUES (?, ?, ?)", (name, message, time.time()))
    # Redirect after POST, so a reload does not post twice.
    print("Status: 303 See Other")
    print("Location: %s" % os.environ.get("SCRIPT_NAME", "/cgi-bin/guestbook.py"))
    print()


def show_entries():
    with connect() as db:
        rows = db.execute("SELECT name, message, posted FROM entries ORDER BY id DESC LIMIT 50").fetchall()
    print("Content-Type: text/html; charset=utf-8")
    print()
    print("<!DOCTYPE html><html><head><title>Guestbook</title>")
    print('<link rel="stylesheet" href="/style.css"></head><body>')
    print("<h1>Guestbook</h1>")
    print('<form method="post" action="%s">' % html.escape(os.environ.get("SCRIPT_NAME", "")))
    print('<p><label>Name <input name="name" maxlength="80"></label></p>')
    print('<p><label>Message<br><textarea name="message" rows="4" cols="50"></textarea></label></p>')
    print('<p><button type="submit">Sign</button></p></form>')
    if not rows:
        print("<p class='empty'>No entries yet: be the first.</p>")
    for name, message, posted in rows:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(posted))
        print("<div class='entry'><b>%s</b> <span>%s</span><p>%s</p></div>"
              % (html.escape(name), when, html.escape(message)))
    print("<footer>Served by %s</footer></body></html>" % html.escape(os.environ.get("SERVER_SOFTWARE", "CGI")))


form = cgi.FieldStorage()
if os.environ.get("REQUEST_METHOD") == "POST":
    add_entry(form)
else:
    show_entries()
