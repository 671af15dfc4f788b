"""``load()``: which archive, its compiled index, and strict checking before any answer.

Why strict by default: answers from a broken archive would not be
trustworthy, so any problem in the records raises ``KnowledgeBaseError``
listing them all. Where the index comes from, fastest first: the index
compiled into an installed package at build time; the user's cache; the
records themselves.
"""

from __future__ import annotations

import gc
from pathlib import Path

from tos_kb._version import __version__
from tos_kb.answer.index import Index
from tos_kb.kb import KnowledgeBase
from tos_kb.records.problems import KnowledgeBaseError
from tos_kb.store import cache, release
from tos_kb.store.locate import PACKAGED, locate

PACKAGED_INDEX = "index.pickle"


def default_terms_path() -> Path:
    """The archive ``load()`` reads when given no path (see :mod:`tos_kb.store.locate`)."""
    return locate().root


def load(
    path: str | Path | None = None,
    *,
    rev: str | None = None,
    strict: bool = True,
    cache_compiled: bool = True,
) -> KnowledgeBase:
    """Load a knowledge base: the default archive, a folder, or ``terms/`` at a git revision.

    ``cache_compiled=False`` neither reads nor writes the user's compiled cache (for
    folders read once, such as one commit after another).
    """
    if rev is not None:
        from tos_kb.store.gitrev import checkout_terms

        checkout = checkout_terms(rev, path)
        kb = _compile(checkout.root, strict, origin="revision", use_cache=strict and cache_compiled)
        kb.scratch = checkout.folder  # the checkout lives as long as the knowledge base
        return at_commit(kb, checkout.commit)
    located = locate(path)
    if located.packaged and strict:
        index = packaged_index()
        if index is not None:
            return KnowledgeBase(
                located.root,
                index,
                origin=located.origin,
                release=release.read(PACKAGED),
                packaged=True,
            )
    return _compile(
        located.root, strict, origin=located.origin, use_cache=strict and cache_compiled
    )


def at_commit(kb: KnowledgeBase, commit: str) -> KnowledgeBase:
    """``kb``, read from ``terms/`` as committed at ``commit``, with that data release."""
    newest = kb.index.newest_change()
    kb._release = release.make(newest.isoformat() if newest else None, commit, False)
    return kb


def _compile(root: Path, strict: bool, *, origin: str, use_cache: bool) -> KnowledgeBase:
    """The index of ``root`` from the cache, or compiled from the records (then cached)."""
    # The key hashes every file: worth it only when a cache can be read or written.
    caching = use_cache and cache.cache_dir() is not None and root.is_dir()
    key = cache.fingerprint(root) if caching else None
    if key is not None:
        cached = cache.read(key)
        if cached is not None:
            return KnowledgeBase(root, cached, origin=origin, cache_key=key)
    from tos_kb.records.loader import load_archive
    from tos_kb.records.validate import check_structure

    if strict and root.is_dir():
        from tos_kb.answer.streamed import STREAM_FROM, compile_streamed
        from tos_kb.records.pool import document_folders

        documents = document_folders(root)
        streamed = compile_streamed(root, documents) if len(documents) >= STREAM_FROM else None
        if streamed is not None:
            if key is not None:
                cache.write(key, streamed)
            # records are read again on demand
            return KnowledgeBase(root, streamed, origin=origin, cache_key=key)
    collecting = gc.isenabled()
    # Reading builds some 10^5 small objects and leaves next to no cycles: repeated
    # passes of the cyclic collector over them (one pass after, instead) find nothing.
    gc.disable()
    try:
        archive = load_archive(root)
        check_structure(archive)
        if strict and archive.problems:
            raise KnowledgeBaseError(archive.problems)
        index = Index(archive)
    finally:
        if collecting:
            gc.enable()
    if key is not None:
        cache.write(key, index)
    return KnowledgeBase(root, index, archive, origin=origin, cache_key=key)


def packaged_index() -> Index | None:
    """The index compiled when the package was built, if this version of the code wrote it.

    It lives inside the installed package, as trusted as the code beside it,
    so no writable cache is needed (a read-only home works).
    """
    try:
        return cache.loads((PACKAGED / PACKAGED_INDEX).read_bytes(), __version__)
    except (OSError, cache.CacheError):
        return None


def write_packaged_index(folder: Path, index: Index) -> Path:
    """Store ``index`` for an installed package (used by the build)."""
    path = folder / PACKAGED_INDEX
    path.write_bytes(cache.dumps(index, __version__))
    return path
