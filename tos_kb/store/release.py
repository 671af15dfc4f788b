"""The data release an answer came from, so that a compliance report can name its data.

Why separate from the package version: the code (``tos_kb.__version__``) and
the archive (``terms/``) change on their own schedules. A release id reads
``2025-11-04+g1a2b3c4d5e6f`` (the newest change the archive records, then the
git commit it was built from), with ``.dirty`` when ``terms/`` had uncommitted
changes, or ``2025-11-04+unversioned`` outside git. A wheel carries the id it
was built with in ``tos_kb/_archive/release.json``.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

RELEASE_FILE = "release.json"


@dataclass(frozen=True)
class Release:
    """Which data an answer came from."""

    id: str
    newest_change: str | None  # the latest day a version or governing range starts
    commit: str | None
    dirty: bool

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data."""
        return asdict(self)


def git_state(terms: Path) -> tuple[str | None, bool]:
    """The commit of the repository holding ``terms`` and whether ``terms`` has changes."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(terms), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(terms), "status", "--porcelain", "--", "."],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None, False
    return commit or None, bool(status.strip())


def make(newest_change: str | None, commit: str | None, dirty: bool) -> Release:
    """A release from its parts, with its id."""
    day = newest_change or "undated"
    suffix = f"g{commit[:12]}" if commit else "unversioned"
    return Release(
        f"{day}+{suffix}{'.dirty' if dirty and commit else ''}", newest_change, commit, dirty
    )


def of_folder(terms: Path, newest_change: str | None) -> Release:
    """The release of an archive folder: from git when it is in a repository."""
    commit, dirty = git_state(terms)
    return make(newest_change, commit, dirty)


def read(folder: Path) -> Release | None:
    """The release recorded beside a packaged archive, if any."""
    try:
        data = json.loads((folder / RELEASE_FILE).read_text(encoding="utf-8"))
        return Release(data["id"], data["newest_change"], data["commit"], bool(data["dirty"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write(folder: Path, release: Release) -> Path:
    """Record ``release`` beside a packaged archive (used by the build)."""
    path = folder / RELEASE_FILE
    path.write_text(json.dumps(release.to_dict(), indent=2) + "\n", encoding="utf-8")
    return path
