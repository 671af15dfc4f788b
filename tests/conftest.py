"""Shared fixtures: a fictional knowledge base built fresh for each test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from kbbuilder import write_kb

import tos_kb

# Property tests state behaviour, not speed: no per-example deadline (a loaded CI machine
# must not fail them), and no "too slow" health check for the same reason.
settings.register_profile("tos-kb", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("tos-kb")


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests use their own compiled-KB cache, never the user's."""
    os.environ["TOS_KB_CACHE"] = str(tmp_path_factory.mktemp("cache"))


@pytest.fixture
def terms(tmp_path: Path) -> Path:
    """A valid fictional terms/ folder."""
    return write_kb(tmp_path)


@pytest.fixture
def kb(terms: Path) -> tos_kb.KnowledgeBase:
    """The fictional knowledge base, loaded."""
    return tos_kb.load(terms)
