"""Sign-in, sign-out and the user's own password."""
