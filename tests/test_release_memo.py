"""A checkout's data release, remembered: git runs only when what it reads changed, and the
release id is always the one git gives."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import git
import pytest
from kbbuilder import write_kb

import tos_kb
from tos_kb.store import cache, release

AUTHOR = git.Actor("t", "t@example.invalid")
ASK = ("acme-api", "train-on-outputs", "2023-06-01")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> git.Repo:
    """A git repository holding a committed terms/, with a cache of its own."""
    monkeypatch.setenv("TOS_KB_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("TOS_KB_NO_CACHE", raising=False)
    write_kb(tmp_path / "work")
    written = time.time() - 5  # git compares times by the second: files as of a moment ago
    for path in (tmp_path / "work").rglob("*"):
        os.utime(path, (written, written))
    repository = git.Repo.init(tmp_path / "work")
    repository.git.add("terms")
    repository.index.commit("first", author=AUTHOR, committer=AUTHOR)
    return repository


def terms_of(repo: git.Repo) -> Path:
    return Path(str(repo.working_tree_dir)) / "terms"


def git_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every git command run from now on (they still run)."""
    runs: list[list[str]] = []
    real: Callable[..., subprocess.CompletedProcess[str]] = subprocess.run

    def counting(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        if args and args[0] == "git":
            runs.append(args)
        return real(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)
    return runs


def answered_release(terms: Path) -> str:
    """The release a fresh load's answer names (what `tos-kb ask` prints)."""
    decision = tos_kb.load(terms).ask(*ASK, competing=True)
    assert decision.release is not None
    return decision.release


def git_says(terms: Path) -> str:
    """The release id straight from git, remembering nothing."""
    kb = tos_kb.load(terms)
    newest = kb.index.newest_change()
    commit, dirty = release.git_state(terms)
    return release.make(newest.isoformat() if newest else None, commit, dirty).id


def test_once_remembered_an_answer_runs_no_git_and_names_the_same_release(
    repo: git.Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Git runs until its answer is remembered (it may first refresh its own index, a change
    of what it reads); from then on the same id comes without it."""
    terms = terms_of(repo)
    expected = git_says(terms)
    assert f"+g{repo.head.commit.hexsha[:12]}" in expected
    assert not expected.endswith(".dirty")
    runs = git_runs(monkeypatch)
    counts = []
    for _ in range(6):
        before = len(runs)
        assert answered_release(terms) == expected
        counts.append(len(runs) - before)
    assert counts[-2:] == [0, 0], counts
    assert list((terms.parent.parent / "cache").glob(f"*{cache.RELEASE_SUFFIX}"))


def settle(terms: Path) -> str:
    """The release answered after a change, asked until git has settled its index."""
    found = {answered_release(terms) for _ in range(4)}
    assert len(found) == 1
    return found.pop()


def test_every_change_git_would_see_gives_gits_release(repo: git.Repo) -> None:
    """An edit, a revert, an editor's backup file, a staged change, a new commit, a branch:
    after each, the release answered is the one git gives."""
    terms = terms_of(repo)
    record = terms / "acme/terms/2023-03-14/record.yaml"
    original = record.read_text()
    seen = [settle(terms)]

    record.write_text(original + "\n# edited\n")
    seen.append(settle(terms))
    assert seen[-1].endswith(".dirty") and seen[-1] == git_says(terms)

    record.write_text(original)
    seen.append(settle(terms))
    assert seen[-1] == seen[0] == git_says(terms)

    backup = record.with_name("record.yaml~")  # left out of the records, listed by git
    backup.write_text("backup")
    seen.append(settle(terms))
    assert seen[-1].endswith(".dirty") and seen[-1] == git_says(terms)
    backup.unlink()
    assert settle(terms) == seen[0]

    (terms.parent / ".gitignore").write_text("*~\n")
    backup.write_text("backup")
    assert settle(terms) == git_says(terms) == seen[0]  # ignored by git now
    backup.unlink()

    record.write_text(original + "\n# staged\n")
    repo.git.add(str(record))
    assert settle(terms) == git_says(terms)
    assert settle(terms).endswith(".dirty")
    repo.index.commit("second", author=AUTHOR, committer=AUTHOR)
    after = settle(terms)
    assert after == git_says(terms) and not after.endswith(".dirty")
    assert f"+g{repo.head.commit.hexsha[:12]}" in after

    repo.git.checkout("-b", "other", "HEAD~1")
    assert settle(terms) == git_says(terms) == seen[0]


def test_without_a_cache_git_runs_every_time(
    repo: git.Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the cache off nothing is remembered: the id still comes from git."""
    monkeypatch.setenv("TOS_KB_NO_CACHE", "1")
    terms = terms_of(repo)
    expected = git_says(terms)
    runs = git_runs(monkeypatch)
    assert answered_release(terms) == expected
    assert len(runs) == 2


def test_a_git_variable_that_moves_the_repository_is_never_remembered(
    repo: git.Repo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GIT_DIR and the like change what git reads: git runs, whatever was remembered."""
    terms = terms_of(repo)
    settle(terms)
    monkeypatch.setenv("GIT_DIR", str(terms.parent / ".git"))
    runs = git_runs(monkeypatch)
    answered_release(terms)
    assert len(runs) == 2


def test_a_damaged_memo_is_a_miss_and_git_is_asked(
    repo: git.Repo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A remembered release that is not JSON is said once and replaced by git's answer."""
    terms = terms_of(repo)
    expected = git_says(terms)
    for _ in range(3):
        answered_release(terms)
    [memo] = (terms.parent.parent / "cache").glob(f"*{cache.RELEASE_SUFFIX}")
    memo.write_bytes(b"\xff not json")
    runs = git_runs(monkeypatch)
    assert answered_release(terms) == expected
    assert len(runs) == 2
    assert "was not used" in capsys.readouterr().err
