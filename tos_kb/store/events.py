"""The change events of an archive, kept beside its compiled index.

Why: ``kb.changes()`` compares what ``ask`` answers around every change of
the archive (hundreds of settled answers per event) and needs the parsed
records, which a cached ``load()`` does not read. Both depend only on the
archive's content and the code, so the events are computed once per
fingerprint (the key of the compiled index, :func:`tos_kb.store.cache.fingerprint`)
and stored in the same cache, with the same owner, mode and allowlist checks
(:mod:`tos_kb.store.safepickle`). A wheel carries the events of its archive
beside its prebuilt index, keyed like it by the package version.

An entry also records the newest change of the index it was computed with,
the day the data release is named by, so events are never read beside an
index of other data even if a key were reused.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tos_kb._version import __version__
from tos_kb.store import cache
from tos_kb.store.locate import PACKAGED

if TYPE_CHECKING:
    from tos_kb.answer.index import Index
    from tos_kb.diff.changes import ChangeEvent

MAGIC = b"tos-kb change events 1\n".ljust(32, b" ")
PACKAGED_CHANGES = "changes.pickle"


def _newest(index: Index) -> str | None:
    newest = index.newest_change()
    return newest.isoformat() if newest else None


def dumps(events: list[ChangeEvent], key: str, index: Index) -> bytes:
    """``events`` of the archive ``index`` was compiled from, as stored for ``key``."""
    return cache.pack((cache.FORMAT, key, _newest(index), list(events)), MAGIC)


def loads(data: bytes, key: str, index: Index) -> list[ChangeEvent]:
    """The events stored in ``data`` for ``key`` and ``index``; :class:`CacheError` otherwise."""
    from tos_kb.diff.changes import ChangeEvent

    found = cache.unpack(data, MAGIC)
    if not (isinstance(found, tuple) and len(found) == 4):
        raise cache.CacheError("it holds something other than change events")
    if found[:3] != (cache.FORMAT, key, _newest(index)):
        raise cache.CacheError("it holds the change events of another archive")
    events = found[3]
    if not (isinstance(events, list) and all(isinstance(e, ChangeEvent) for e in events)):
        raise cache.CacheError("it holds something other than change events")
    return events


def read(key: str, index: Index) -> list[ChangeEvent] | None:
    """The cached events for ``key``, or None (caching off, missing, untrusted or unreadable)."""
    return cache.read_entry(f"{key}{cache.CHANGES_SUFFIX}", lambda data: loads(data, key, index))


def write(key: str, index: Index, events: list[ChangeEvent]) -> None:
    """Cache ``events`` for ``key``; a cache that cannot be written is skipped (said once)."""
    cache.write_entry(f"{key}{cache.CHANGES_SUFFIX}", dumps(events, key, index))


def read_packaged(index: Index) -> list[ChangeEvent] | None:
    """The events computed when the package was built, if this version of the code wrote them."""
    try:
        return loads((PACKAGED / PACKAGED_CHANGES).read_bytes(), __version__, index)
    except (OSError, cache.CacheError):
        return None


def write_packaged(folder: Path, index: Index, events: list[ChangeEvent]) -> Path:
    """Store ``events`` for an installed package beside its index (used by the build)."""
    path = folder / PACKAGED_CHANGES
    path.write_bytes(dumps(events, __version__, index))
    return path
