"""Trellis: an open-source internal talent marketplace."""

__version__ = "0.1.0"
