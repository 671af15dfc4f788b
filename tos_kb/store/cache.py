"""A compiled copy of the knowledge base, reused while ``terms/`` is unchanged.

Why: parsing a few hundred YAML files and validating them takes a few
hundred milliseconds; a script that asks one question should not pay that
every time. The cache key is a fingerprint of every file's path, size and
modification time under ``terms/`` and in this package, so any edit to the
records or the code (or a different checkout) misses the cache and reloads
from the records.

The cache lives in ``$TOS_KB_CACHE`` or ``~/.cache/tos-kb``; set
``TOS_KB_NO_CACHE=1`` to bypass it. It is a pickle written by this package
for this user: like any cache in your home folder, only you should be able
to write there.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tos_kb.answer.index import Index

FORMAT = "3"
KEEP = 8  # compiled knowledge bases kept (several checkouts, test folders)


def fingerprint(root: Path) -> str:
    """A digest of every file's relative path, size and mtime under ``root``."""
    from tos_kb._version import __version__

    digest = hashlib.sha256(f"{FORMAT}:{__version__}:{root.resolve()}".encode())
    stack = [root, Path(__file__).resolve().parent.parent]  # the records, and the whole package
    entries: list[tuple[str, int, int]] = []
    while stack:
        folder = stack.pop()
        with os.scandir(folder) as it:
            for entry in it:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        stack.append(Path(entry.path))
                else:
                    stat = entry.stat()
                    entries.append((entry.path, stat.st_size, stat.st_mtime_ns))
    for path, size, mtime in sorted(entries):
        digest.update(f"{path}\0{size}\0{mtime}\n".encode())
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """Where compiled knowledge bases are kept, or None when caching is off."""
    if os.environ.get("TOS_KB_NO_CACHE"):
        return None
    base = os.environ.get("TOS_KB_CACHE")
    if base:
        return Path(base)
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "tos-kb"


def read(key: str) -> Index | None:
    """The cached compiled index for ``key``, or None (missing, unreadable or stale)."""
    folder = cache_dir()
    if folder is None:
        return None
    gc.disable()  # unpickling builds many small objects; cyclic GC passes would dominate
    try:
        with open(folder / f"{key}.pickle", "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    finally:
        gc.enable()


def write(key: str, index: Index) -> None:
    """Store a knowledge base atomically; a cache that cannot be written is skipped."""
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        kept = sorted(folder.glob("*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEEP - 1 :]:
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{key}.pickle")
    except OSError:
        return
