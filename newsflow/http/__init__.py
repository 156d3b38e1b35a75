"""The HTTP layer the two Flask services share: the app factory, problems, auth, limits."""
