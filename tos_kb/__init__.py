"""tos-kb: what AI providers' terms and model licences allowed, on which day.

The public API (pinned by tests/test_public_api.py)::

    import tos_kb
    kb = tos_kb.load()                      # the shipped terms/
    d = kb.ask("llama-3.1", "train-on-outputs", on="2024-08-01",
               student="mistral-7b", monthly_active_users=1_000_000)
    d.verdict, d.citations, d.obligations, d.missing_facts, d.explain()
    tos_kb.ask("openai", "train-on-outputs", on="2023-06-01", competing=True)
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from .decision import Branch, Citation, Decision
from .kb import FactValueError, KnowledgeBase, UnknownNameError, load
from .problems import KnowledgeBaseError, Problem
from .vocab import Verdict

__all__ = [
    "Branch",
    "Citation",
    "Decision",
    "FactValueError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Problem",
    "UnknownNameError",
    "Verdict",
    "ask",
    "default_kb",
    "load",
]
__version__ = "0.1.0"


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded once per process."""
    return load()


def ask(subject: str, action: str, on: date | str, **facts: Any) -> Decision:
    """``default_kb().ask(...)``: a question against the shipped knowledge base."""
    return default_kb().ask(subject, action, on=on, **facts)
