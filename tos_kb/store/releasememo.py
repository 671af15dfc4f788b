"""The data release of a checkout, remembered while nothing git reads for it has changed.

Why: in a checkout, naming the release runs ``git rev-parse HEAD`` and
``git status -- terms`` (two processes) on every command, answers included.
What they print depends only on the content of ``terms/`` (the compiled
index's fingerprint, plus the files it leaves out: editors' backups that
``git status`` lists) and on files git reads: ``HEAD``, the ref it names and
the packed refs (the commit), the index, the ignore rules and the
configuration (what counts as a change). A digest of their content (``HEAD``,
loose refs) or ``stat`` (the rest: the kernel changes a file's ``ctime`` on
every write) keys a memo of the release in the user's cache, with the cache's
checks. The memo is written only when that digest and the fingerprint are the
same before and after git ran, so git's own refresh of its index, or an edit
meanwhile, is never remembered as the state git saw. Anything unusual (a
``GIT_*`` variable that moves what git reads, a reftable, no ``.git``): no
memo, git runs.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from tos_kb.store import cache

# Git variables that change neither which files git reads nor what it lists as changed.
HARMLESS = ("GIT_SSL_", "GIT_TERMINAL_PROMPT", "GIT_ASKPASS", "GIT_EDITOR", "GIT_PAGER")
_GLOBAL = ("/etc/gitconfig", "~/.gitconfig", "~/.config/git/config", "~/.config/git/ignore")


def _stat(path: Path) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "absent"
    fields = (info.st_uid, info.st_mode, info.st_size, info.st_ino)
    return f"{fields}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _owner(path: Path) -> str:
    """Who owns a folder (git refuses a repository of another user); not its times, which
    change whenever git makes and removes a lock file in it."""
    try:
        return str(os.stat(path).st_uid)
    except OSError:
        return "absent"


def _content(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "absent"


def _git_dirs(terms: Path) -> tuple[Path, Path, Path] | None:
    """The work tree, git folder and common git folder holding ``terms`` (None: unusual)."""
    for top in [terms, *terms.parents]:
        dot = top / ".git"
        if dot.is_dir():
            gitdir = dot
        elif dot.is_file():
            line = _content(dot).strip()
            if not line.startswith("gitdir: "):
                return None
            gitdir = (top / line.removeprefix("gitdir: ")).resolve()
        else:
            continue
        common = (
            gitdir / _content(gitdir / "commondir").strip()
            if (gitdir / "commondir").is_file()
            else gitdir
        )
        return top, gitdir, common.resolve()
    return None


def git_files(terms: Path) -> str | None:
    """A digest of what git reads to name the commit and the changes of ``terms``, or None."""
    variables = sorted(n for n in os.environ if n.startswith("GIT_"))
    if not all(n.startswith(HARMLESS) for n in variables):
        return None  # they may move the repository, the index or the configuration
    found = _git_dirs(terms.resolve())
    if found is None:
        return None
    top, gitdir, common = found
    if (common / "reftable").exists():
        return None
    head = _content(gitdir / "HEAD")
    parts = [
        str(top),
        str(gitdir),
        head,
        _owner(top),
        _owner(gitdir),
        _stat(common / "packed-refs"),
    ]
    if head.startswith("ref: "):
        ref = head.removeprefix("ref: ").strip()
        parts += [_content(gitdir / ref), _content(common / ref)]
    parts += [_stat(gitdir / "index"), _stat(common / "config"), _stat(gitdir / "config.worktree")]
    parts += [_stat(common / "info" / "exclude")]
    relative = terms.resolve().relative_to(top)
    parts += [
        _stat(top.joinpath(*relative.parts[:i]) / ".gitignore") for i in range(len(relative.parts))
    ]
    parts += [_stat(Path(os.path.expanduser(p))) for p in _GLOBAL]
    xdg = os.environ.get("XDG_CONFIG_HOME")
    if xdg:
        parts += [_stat(Path(xdg) / "git" / name) for name in ("config", "ignore")]
    parts += [os.environ.get("HOME", ""), os.environ.get("XDG_CONFIG_HOME", "")]
    parts += [f"{n}={os.environ[n]}" for n in variables]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _state(terms: Path, key: str) -> str | None:
    """What git's answer for ``terms`` depends on beyond its records, or None (no memo)."""
    left_out = cache.left_out(terms, key)
    files = git_files(terms) if left_out is not None else None
    return None if files is None else f"{left_out}:{files}"


def _parse(data: bytes) -> object:
    try:
        return json.loads(data)
    except ValueError as exc:
        raise cache.CacheError(f"it is not a remembered release: {exc}") from None


def remembered(
    terms: Path,
    newest_change: str | None,
    key: str | None,
    ask_git: Callable[[], dict[str, object]],
) -> dict[str, object]:
    """The release (as data) remembered for this state of ``terms``, else ``ask_git()``'s."""
    state = _state(terms, key) if key is not None else None
    if key is None or state is None:
        return ask_git()
    name = (
        hashlib.sha256(f"{key}\0{newest_change}\0{state}".encode()).hexdigest()
        + cache.RELEASE_SUFFIX
    )
    found = cache.read_entry(name, _parse)
    if isinstance(found, dict):
        return found
    made = ask_git()
    if cache.fingerprint(terms) == key and _state(terms, key) == state:
        cache.write_entry(name, json.dumps(made).encode())
    return made
