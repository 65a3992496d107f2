# An application module beside its script: every request imports it afresh, as a new CGI
# process would (unless the mapping keeps app modules).
VALUE = "first version"
hits = 0
