# The app's own module, named like the stdlib's: the script beside it imports this one.
WHO = "the app's calendar"
