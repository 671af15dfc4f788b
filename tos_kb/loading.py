"""``load()``: which archive, the compiled cache, and strict checking before any answer.

Why strict by default: answers from a broken archive would not be
trustworthy, so any problem in the records raises ``KnowledgeBaseError``
listing them all.
"""

from __future__ import annotations

from pathlib import Path

from tos_kb.answer.index import Index
from tos_kb.kb import KnowledgeBase
from tos_kb.records.problems import KnowledgeBaseError
from tos_kb.store import cache


def default_terms_path() -> Path:
    """The ``terms/`` folder shipped with this checkout."""
    return Path(__file__).resolve().parent.parent / "terms"


def load(
    path: str | Path | None = None, *, rev: str | None = None, strict: bool = True
) -> KnowledgeBase:
    """Load a knowledge base: the shipped ``terms/``, a folder, or ``terms/`` at a git revision."""
    if rev is not None:
        from tos_kb.store.gitrev import checkout_terms

        path = checkout_terms(rev, path)
    root = Path(path) if path is not None else default_terms_path()
    key = cache.fingerprint(root) if root.is_dir() else None
    if key is not None and strict:
        cached = cache.read(key)
        if cached is not None:
            return KnowledgeBase(root, cached)
    from tos_kb.records.loader import load_archive
    from tos_kb.records.validate import check_structure

    archive = load_archive(root)
    check_structure(archive)
    if strict and archive.problems:
        raise KnowledgeBaseError(archive.problems)
    index = Index(archive)
    if key is not None and strict:
        cache.write(key, index)
    return KnowledgeBase(root, index, archive)
