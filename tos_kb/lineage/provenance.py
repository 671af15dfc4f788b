"""Which archive answered: a git revision of ``terms/``, or a folder, and the package version.

Why in every report: a compliance answer must be reproducible. Naming the
commit (and saying when ``terms/`` had uncommitted changes) lets anyone
recompute the same report with ``--rev``.
"""

from __future__ import annotations

from pathlib import Path

import git

from tos_kb._version import __version__


def at_revision(rev: str, repo_path: str | Path | None = None) -> str:
    """``terms/`` as recorded at a git revision, with the commit it resolves to."""
    start = Path(repo_path) if repo_path is not None else Path(__file__).resolve().parent
    try:
        commit = git.Repo(start, search_parent_directories=True).commit(rev)
    except (git.exc.GitError, ValueError):
        return f"terms/ at git revision {rev} (tos-kb {__version__})"
    day = commit.committed_datetime.date().isoformat()
    return (
        f"terms/ at git revision {rev} = commit {commit.hexsha[:12]} of {day} "
        f"(tos-kb {__version__})"
    )


def of_folder(root: Path) -> str:
    """A ``terms/`` folder: its git commit and whether it differs from it, when in a repository."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
        head = repo.head.commit
        inside = root.resolve().relative_to(Path(repo.working_tree_dir or "").resolve())
    except (git.exc.GitError, ValueError):
        return f"the terms/ folder {root} (not in a git repository; tos-kb {__version__})"
    changed = repo.is_dirty(path=str(inside)) or any(
        path.startswith(f"{inside}/") for path in repo.untracked_files
    )
    state = "with uncommitted changes" if changed else "as committed"
    day = head.committed_datetime.date().isoformat()
    return f"{inside}/ at commit {head.hexsha[:12]} of {day}, {state} (tos-kb {__version__})"
