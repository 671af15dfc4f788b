"""The package version (also the cache format key)."""

__version__ = "0.1.0"
