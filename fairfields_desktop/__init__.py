"""Fairfields Desktop: coordinating the professionals who work with a special school's pupils."""

__version__ = "0.1.0"
