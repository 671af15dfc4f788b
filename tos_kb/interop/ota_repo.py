"""A local clone of an Open Terms Archive versions repository, read with gitpython.

Why: OTA publishes each collection as a git repository with one Markdown
file per service and terms type (``<Service>/<Terms type>.md``) and one
commit per observation. The commit date is the observation date, and the
subject says what the commit is: "First record of ..." and "Record new
changes of ..." are real changes of the text; "Apply technical or
declaration upgrade on ..." is a re-extraction by OTA itself and is never a
new version of the terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import git

from tos_kb.errors import TosKbError

FIRST, CHANGE, UPGRADE = "first-record", "change", "technical-upgrade"
_KINDS = (
    ("First record of ", FIRST),
    ("Record new changes of ", CHANGE),
    ("Apply technical or declaration upgrade on ", UPGRADE),
)
_COLLECTION = re.compile(r"^#.*?\*([^*\n]+)\*\s+collection", re.M)
_SHAPE_SAMPLE = 200
"""Commits read to decide that a repository is OTA-shaped (its newest ones)."""


class OtaError(TosKbError):
    """Input that is not an OTA versions repository, or not one that records a document."""


@dataclass(frozen=True)
class OtaVersion:
    """One commit of one file: what OTA observed, when, and whether the text really changed."""

    commit: str
    observed: date
    kind: str
    path: str

    @property
    def real(self) -> bool:
        """A real change of the terms (not a technical or declaration upgrade)."""
        return self.kind != UPGRADE

    @property
    def short(self) -> str:
        """The commit as usually cited (7 hex digits)."""
        return self.commit[:7]


class OtaRepo:
    """An OTA versions repository on disk; raises :class:`OtaError` for anything else."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        if not self.path.exists():
            raise OtaError(f"{self.path}: no such folder")
        try:
            self.repo = git.Repo(self.path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise OtaError(
                f"{self.path} is not a git repository (clone an Open Terms Archive versions "
                "repository first)"
            ) from None
        try:
            subjects = self.repo.git.log(f"-{_SHAPE_SAMPLE}", "--format=%s").splitlines()
        except git.GitCommandError:
            raise OtaError(f"{self.path} is an empty git repository") from None
        if not any(_kind(s) for s in subjects):
            raise OtaError(
                f"{self.path} is not an Open Terms Archive versions repository (no commit "
                "reads 'First record of', 'Record new changes of' or 'Apply technical or "
                "declaration upgrade on')"
            )
        self.collection = self._collection_name()

    def _collection_name(self) -> str | None:
        """The collection's name as the repository's README gives it, if it does."""
        try:
            readme = (self.repo.head.commit.tree / "README.md").data_stream.read()
        except KeyError:
            return None
        found = _COLLECTION.search(readme.decode("utf-8", "replace"))
        return found.group(1).strip() if found else None

    def has(self, path: str) -> bool:
        """Whether any commit ever recorded this file."""
        return bool(self.repo.git.log("-1", "--format=%H", "--", path))

    def versions(self, path: str) -> list[OtaVersion]:
        """Every commit of the file, oldest first (merges and unknown subjects left out)."""
        out = self.repo.git.log("--no-merges", "--format=%H%x00%aI%x00%s", "--", path)
        found = []
        for line in out.splitlines():
            sha, when, subject = line.split("\x00", 2)
            kind = _kind(subject)
            if kind is not None:
                found.append(OtaVersion(sha, datetime.fromisoformat(when).date(), kind, path))
        return found[::-1]

    def text(self, version: OtaVersion) -> bytes:
        """The file's bytes as recorded by that commit."""
        try:
            blob = self.repo.commit(version.commit).tree / version.path
        except KeyError:
            raise OtaError(f"commit {version.short} holds no {version.path}") from None
        data: bytes = blob.data_stream.read()
        return data

    def resolve(self, path: str, commit: str) -> OtaVersion:
        """The version of ``path`` recorded by ``commit`` (a full or abbreviated hash)."""
        matches = [v for v in self.versions(path) if v.commit.startswith(commit.lower())]
        if not matches:
            raise OtaError(f"no commit {commit} of {path!r} in {self.path}")
        if len(matches) > 1:
            raise OtaError(f"commit {commit} is ambiguous; give more hex digits")
        return matches[0]


def _kind(subject: str) -> str | None:
    for prefix, kind in _KINDS:
        if subject.startswith(prefix):
            return kind
    return None
