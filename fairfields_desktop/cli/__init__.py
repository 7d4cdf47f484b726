"""The `fairfields` command line."""
