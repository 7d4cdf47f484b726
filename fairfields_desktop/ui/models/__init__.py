"""Qt item models over the plain objects services return."""
