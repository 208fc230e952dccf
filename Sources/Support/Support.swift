// Support module
