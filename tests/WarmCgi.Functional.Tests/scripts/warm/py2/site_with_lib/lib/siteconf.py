WHERE = "site_with_lib/lib"
