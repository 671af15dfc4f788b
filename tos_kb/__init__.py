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
from typing import TYPE_CHECKING, Any

from tos_kb._version import __version__ as __version__
from tos_kb.answer.decision import Branch, Citation, Decision
from tos_kb.errors import TosKbError, UnknownNameError
from tos_kb.kb import KnowledgeBase
from tos_kb.loading import load
from tos_kb.records.facts import FactValueError
from tos_kb.records.problems import KnowledgeBaseError, Problem
from tos_kb.records.vocab import Verdict

if TYPE_CHECKING:
    from pathlib import Path

    from tos_kb.lineage import PipelineReport

__all__ = [
    "Branch",
    "Citation",
    "Decision",
    "FactValueError",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "PipelineReport",
    "Problem",
    "TosKbError",
    "UnknownNameError",
    "Verdict",
    "ask",
    "check_pipeline",
    "default_kb",
    "load",
]


@lru_cache(maxsize=1)
def default_kb() -> KnowledgeBase:
    """The shipped knowledge base, loaded once per process."""
    return load()


def ask(subject: str, action: str, on: date | str, **facts: Any) -> Decision:
    """``default_kb().ask(...)``: a question against the shipped knowledge base."""
    return default_kb().ask(subject, action, on=on, **facts)


def check_pipeline(
    manifest: str | Path, kb: KnowledgeBase | None = None, **options: Any
) -> PipelineReport:
    """Judge a training pipeline manifest (see :func:`tos_kb.lineage.check_pipeline`)."""
    from tos_kb.lineage import check_pipeline as check

    return check(manifest, kb, **options)


def __getattr__(name: str) -> Any:
    """``PipelineReport`` is imported on first use: ``import tos_kb`` stays fast."""
    if name == "PipelineReport":
        from tos_kb.lineage import PipelineReport

        return PipelineReport
    raise AttributeError(f"module 'tos_kb' has no attribute {name!r}")
