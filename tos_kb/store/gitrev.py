"""Reading ``terms/`` as it was recorded at a git revision, and the commits that changed it.

Why: an answer given last year should be reproducible today. Loading the
archive "as of" a tag or commit means a decision can cite the exact state of
the records it came from; walking the commits that touched ``terms/`` shows
when a correction moved an answer.

Any revision expression git understands may be given (a tag, a branch,
``HEAD~3``, ``HEAD@{2}``, a commit id); git itself resolves it
(``git rev-parse --verify``), so an expression either names a commit or
gives one line saying it does not. A checkout lives in a temporary folder
owned by the :class:`~tos_kb.kb.KnowledgeBase` loaded from it, and is removed
when that is garbage-collected or the process exits.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

import git

from tos_kb.errors import RevisionError

TERMS = "terms"


def repository(repo_path: str | Path | None = None) -> git.Repo:
    """The git repository holding ``repo_path`` (default: this checkout)."""
    start = Path(repo_path) if repo_path is not None else Path(__file__).resolve().parent.parent
    try:
        return git.Repo(start, search_parent_directories=True)
    except git.exc.GitError as exc:
        raise RevisionError(f"not in a git repository: {start} ({exc})") from None


def commit_of(rev: str, repo_path: str | Path | None = None) -> git.Commit:
    """The commit ``rev`` names; :class:`RevisionError` (one line) when it names none."""
    repo = repository(repo_path)
    if not isinstance(rev, str) or not rev.strip() or rev.startswith("-") or "\0" in rev:
        raise RevisionError(f"cannot read terms/ at git revision {rev!r}: not a revision")
    try:
        sha = repo.git.rev_parse("--verify", "--quiet", f"{rev}^{{commit}}")
    except git.exc.GitCommandError:
        raise RevisionError(
            f"cannot read terms/ at git revision {rev!r}: it names no commit of this repository"
        ) from None
    return repo.commit(sha.strip())


def checkout_terms(rev: str, repo_path: str | Path | None = None) -> Checkout:
    """Write ``terms/`` at ``rev`` into a temporary folder (removed with the returned object)."""
    commit = commit_of(rev, repo_path)
    try:
        tree = commit.tree / TERMS
    except KeyError:
        raise RevisionError(
            f"cannot read terms/ at git revision {rev!r}: no terms/ there"
        ) from None
    if not isinstance(tree, git.Tree):
        raise RevisionError(f"cannot read terms/ at git revision {rev!r}: terms is not a folder")
    scratch = tempfile.TemporaryDirectory(prefix="tos-kb-rev-")
    target = Path(scratch.name) / TERMS
    try:
        write_tree(tree, target)
    except BaseException:
        scratch.cleanup()
        raise
    return Checkout(target, commit.hexsha, scratch)


@dataclass
class Checkout:
    """``terms/`` written from a commit; the folder goes when this object does."""

    root: Path
    commit: str
    folder: tempfile.TemporaryDirectory[str]


def _blobs(tree: git.Tree) -> dict[str, git.Blob]:
    return {
        str(PurePosixPath(item.path).relative_to(tree.path)): item
        for item in tree.traverse()
        if isinstance(item, git.Blob)
    }


def write_tree(tree: git.Tree, target: Path, previous: git.Tree | None = None) -> None:
    """Make ``target`` hold exactly ``tree``; with ``previous`` (what it holds now), only the
    files that differ are written or removed."""
    new = _blobs(tree)
    old = _blobs(previous) if previous is not None else {}
    for relative in old:
        if relative not in new:
            (target / relative).unlink(missing_ok=True)
    for relative, blob in new.items():
        if relative in old and old[relative].hexsha == blob.hexsha:
            continue
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(blob.data_stream.read())
    if previous is not None:  # folders left empty by removals would read as empty documents
        for folder in sorted(target.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


@dataclass(frozen=True)
class TermsCommit:
    """A commit that changed ``terms/``, with the tree of ``terms/`` it recorded."""

    sha: str
    when: datetime
    message: str
    tree: git.Tree | None  # None when the commit has no terms/ folder


def terms_commits(repo_path: str | Path | None = None, rev: str = "HEAD") -> Iterator[TermsCommit]:
    """The commits reachable from ``rev`` that changed ``terms/``, oldest first."""
    repo = repository(repo_path)
    try:
        commits = list(repo.iter_commits(rev, paths=TERMS, reverse=True))
    except (git.exc.GitError, ValueError) as exc:
        raise RevisionError(f"cannot list the commits of {rev!r}: {exc}") from None
    for commit in commits:
        try:
            tree: git.Tree | None = commit.tree / TERMS
        except KeyError:
            tree = None
        message = str(commit.message).strip().splitlines()[0] if commit.message else ""
        yield TermsCommit(commit.hexsha, commit.committed_datetime, message, tree)


def scratch_folder() -> Path:
    """An empty temporary ``terms/`` folder for :func:`write_tree`."""
    target = Path(tempfile.mkdtemp(prefix="tos-kb-commits-")) / TERMS
    target.mkdir()
    return target


def resolve_commit(rev: str, repo_path: str | Path | None = None) -> str:
    """The full commit id ``rev`` names in the repository holding ``repo_path``."""
    return str(commit_of(rev, repo_path).hexsha)


def remove_scratch(target: Path) -> None:
    """Remove a folder made by :func:`scratch_folder`."""
    shutil.rmtree(target.parent, ignore_errors=True)
