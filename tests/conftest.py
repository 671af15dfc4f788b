"""Shared fixtures: a fictional knowledge base built fresh for each test."""

from __future__ import annotations

from pathlib import Path

import pytest
from kbbuilder import write_kb

import tos_kb


@pytest.fixture
def terms(tmp_path: Path) -> Path:
    """A valid fictional terms/ folder."""
    return write_kb(tmp_path)


@pytest.fixture
def kb(terms: Path) -> tos_kb.KnowledgeBase:
    """The fictional knowledge base, loaded."""
    return tos_kb.load(terms)
