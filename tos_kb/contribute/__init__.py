"""Contribution tools: scaffold a new version, the pull-request review, the coverage tables."""
