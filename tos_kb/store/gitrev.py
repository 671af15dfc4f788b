"""Reading ``terms/`` as it was recorded at a git revision.

Why: an answer given last year should be reproducible today. Loading the
archive "as of" a tag or commit means a decision can cite the exact state of
the records it came from.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import git


def checkout_terms(rev: str, repo_path: str | Path | None = None) -> Path:
    """Write ``terms/`` at ``rev`` into a temporary folder and return its path."""
    start = Path(repo_path) if repo_path is not None else Path(__file__).resolve().parent.parent
    try:
        repo = git.Repo(start, search_parent_directories=True)
        commit = repo.commit(rev)
        tree = commit.tree / "terms"
    except (git.exc.GitError, git.exc.ODBError, ValueError, KeyError) as exc:
        raise ValueError(f"cannot read terms/ at git revision {rev!r}: {exc}") from None
    target = Path(tempfile.mkdtemp(prefix=f"tos-kb-{rev.replace('/', '_')}-")) / "terms"
    for item in tree.traverse():
        if item.type != "blob":  # type: ignore[union-attr]
            continue
        relative = Path(item.path).relative_to("terms")  # type: ignore[union-attr]
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(item.data_stream.read())  # type: ignore[union-attr]
    return target


def resolve_commit(rev: str, repo_path: str | Path | None = None) -> str:
    """The full commit id ``rev`` names in the repository holding ``repo_path``."""
    start = Path(repo_path) if repo_path is not None else Path(__file__).resolve().parent.parent
    try:
        return git.Repo(start, search_parent_directories=True).commit(rev).hexsha
    except (git.exc.GitError, git.exc.ODBError, ValueError, KeyError) as exc:
        raise ValueError(f"cannot read terms/ at git revision {rev!r}: {exc}") from None
