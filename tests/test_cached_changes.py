"""Change events kept beside the compiled index: the same as computed, never stale, never fatal."""

from __future__ import annotations

import os
import pickle
from pathlib import Path
from typing import Any

import pytest

import tos_kb
from tos_kb.diff.changes import ChangeEvent, all_changes, filter_changes
from tos_kb.kb import KnowledgeBase
from tos_kb.store import cache, events

REPO_TERMS = Path(__file__).resolve().parent.parent / "terms"
FILTERS: list[dict[str, Any]] = [
    {},
    {"include_reworded": True},
    {"direction": "tightened"},
    {"action": "train-on-outputs", "include_reworded": True},
    {"subject": "acme-api", "since": "2023-01-01"},
    {"document": "acme/terms", "until": "2024-12-31", "include_reworded": True},
]


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOS_KB_CACHE", str(folder))
    monkeypatch.delenv("TOS_KB_NO_CACHE", raising=False)
    return folder


def fresh(terms: Path) -> list[dict[str, Any]]:
    """Every event computed from the records, with no cache involved."""
    from tos_kb.answer.index import Index
    from tos_kb.records.loader import load_archive

    archive = load_archive(terms)
    return dumped(all_changes(Index(archive), archive))


def dumped(found: list[ChangeEvent]) -> list[dict[str, Any]]:
    return [e.to_dict() for e in found]  # citations too (Answer's equality leaves them out)


def test_a_warm_changes_reads_no_records_and_equals_fresh_events(
    terms: Path, cache_dir: Path
) -> None:
    """The second process's events come from the cache, not the records, and are the same."""
    first = tos_kb.load(terms).changes(include_reworded=True)
    assert len(list(cache_dir.glob(f"*{cache.CHANGES_SUFFIX}"))) == 1
    kb = tos_kb.load(terms)
    again = kb.changes(include_reworded=True)
    assert kb._archive is None  # neither the YAML records nor the answers were read again
    assert again  # the fictional archive has an event to compare
    assert dumped(again) == dumped(first) == fresh(terms)
    assert again == first


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f) or "none")
def test_filters_on_cached_events_equal_filters_on_fresh_ones(
    terms: Path, cache_dir: Path, filters: dict[str, Any]
) -> None:
    """Every filter gives the same events, narrowed the same way, from the cached list."""
    tos_kb.load(terms).changes()
    kb = tos_kb.load(terms)
    from_cache = kb.changes(**filters)
    assert kb._archive is None
    uncached = KnowledgeBase(terms, kb.index)  # no key: computed from the records
    assert dumped(from_cache) == dumped(uncached.changes(**filters))


def test_an_edit_to_any_file_of_the_archive_misses_the_cached_events(
    terms: Path, cache_dir: Path
) -> None:
    """Each record, vocabulary or document file enters the key: an edit finds no events."""
    kb = tos_kb.load(terms)
    kb.changes()
    assert events.read(cache.fingerprint(terms), kb.index) is not None
    files = sorted(p for p in terms.rglob("*") if p.is_file())
    assert len(files) >= 10
    for path in files:
        text = path.read_bytes()
        info = path.stat()
        path.write_bytes(text + b"\n# edited\n")
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))  # the time says nothing
        assert events.read(cache.fingerprint(terms), kb.index) is None, path
        path.write_bytes(text)


def test_an_edit_that_moves_an_answer_gives_new_events(terms: Path, cache_dir: Path) -> None:
    """After a record changes, changes() gives the new archive's events, not the cached ones."""
    before = tos_kb.load(terms).changes(include_reworded=True)
    record = terms / "acme/terms/2023-03-14/record.yaml"
    text = record.read_text()
    edited = text.replace(
        "  verdict: prohibited\n  section: '3'",
        "  verdict: conditional\n  condition: x\n  section: '3'",
    )
    assert edited != text
    info = record.stat()
    record.write_text(edited)
    os.utime(record, ns=(info.st_atime_ns, info.st_mtime_ns))
    after = tos_kb.load(terms).changes(include_reworded=True)
    assert dumped(after) == fresh(terms)
    assert dumped(after) != dumped(before)
    assert len(list(cache_dir.glob(f"*{cache.CHANGES_SUFFIX}"))) == 2


def test_records_edited_after_a_cached_load_are_not_cached_under_the_old_key(
    terms: Path, cache_dir: Path
) -> None:
    """Events computed from records read after they changed never go under the old key."""
    tos_kb.load(terms)
    kb = tos_kb.load(terms)  # from the cache: the records are read only by changes()
    record = terms / "acme/terms/2023-03-14/record.yaml"
    record.write_text(record.read_text() + "\n# edited\n")
    kb.changes()
    assert not list(cache_dir.glob(f"*{cache.CHANGES_SUFFIX}"))


@pytest.mark.parametrize("how", ["disabled", "a file in its place", "writable by others"])
def test_changes_work_without_a_usable_cache(
    terms: Path,
    cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    how: str,
) -> None:
    """No cache, a cache that cannot be created, an untrusted one: the events are computed."""
    if how == "disabled":
        monkeypatch.setenv("TOS_KB_NO_CACHE", "1")
    elif how == "a file in its place":
        cache_dir.parent.mkdir(parents=True, exist_ok=True)
        cache_dir.write_text("not a folder")
    else:
        cache_dir.mkdir(mode=0o700)
        cache_dir.chmod(0o777)
    found = tos_kb.load(terms).changes(include_reworded=True)
    assert dumped(found) == fresh(terms)
    assert not list(cache_dir.glob(f"*{cache.CHANGES_SUFFIX}")) if cache_dir.is_dir() else True
    if how != "disabled":
        assert "the compiled cache" in capsys.readouterr().err


def test_damaged_cached_events_are_computed_again(terms: Path, cache_dir: Path) -> None:
    """A damaged entry is a miss (said on stderr), then replaced by the events computed."""
    tos_kb.load(terms).changes()
    [path] = cache_dir.glob(f"*{cache.CHANGES_SUFFIX}")
    path.write_bytes(path.read_bytes()[:-10])
    assert dumped(tos_kb.load(terms).changes(include_reworded=True)) == fresh(terms)
    key = path.name.removesuffix(cache.CHANGES_SUFFIX)
    assert events.read(key, tos_kb.load(terms).index) is not None


def test_events_are_read_only_for_their_key_and_newest_change(kb: tos_kb.KnowledgeBase) -> None:
    """An entry names the archive it was computed from: another key, another index, a miss."""
    found = kb.changes(include_reworded=True)
    data = events.dumps(found, "k", kb.index)
    assert events.loads(data, "k", kb.index) == found
    with pytest.raises(cache.CacheError, match="another archive"):
        events.loads(data, "other", kb.index)
    older = cache.pack((cache.FORMAT, "k", "1999-01-01", found), events.MAGIC)
    with pytest.raises(cache.CacheError, match="another archive"):
        events.loads(older, "k", kb.index)
    with pytest.raises(cache.CacheError, match="not a tos-kb cache entry"):
        events.loads(cache.dumps(kb.index, "k"), "k", kb.index)


def test_planted_events_run_no_code(tmp_path: Path, kb: tos_kb.KnowledgeBase) -> None:
    """An events entry that would call a function is refused by the restricted unpickler."""
    proof = tmp_path / "proof"

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str, str]]:
            return (Path.write_text, (str(proof), "code ran"))  # type: ignore[return-value]

    data = cache.pack((cache.FORMAT, "k", None, [Planted()]), events.MAGIC)
    with pytest.raises(cache.CacheError, match="is not part of a compiled index"):
        events.loads(data, "k", kb.index)
    assert not proof.exists()
    assert pickle.loads(pickle.dumps(0)) == 0  # the plain unpickler is untouched


def test_the_real_events_read_back_through_the_restricted_unpickler() -> None:
    """Every class the shipped archive's events hold is allowed: none makes a warm start miss."""
    kb = tos_kb.load(REPO_TERMS)
    found = all_changes(kb.index, kb.archive)
    again = events.loads(events.dumps(found, "k", kb.index), "k", kb.index)
    assert len(again) >= 20
    assert dumped(again) == dumped(found)
    assert filter_changes(again, kb.index) == filter_changes(found, kb.index)


def test_a_package_reads_the_events_built_into_it(
    tmp_path: Path, kb: tos_kb.KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The wheel's prebuilt events are used as they are: the packaged records are not read."""
    found = kb.changes(include_reworded=True)
    events.write_packaged(tmp_path, kb.index, found)
    monkeypatch.setattr(events, "PACKAGED", tmp_path)
    packaged = KnowledgeBase(kb.root, kb.index, packaged=True)
    assert dumped(packaged.changes(include_reworded=True)) == dumped(found)
    assert packaged._archive is None
    (tmp_path / events.PACKAGED_CHANGES).write_bytes(b"damaged")
    rebuilt = KnowledgeBase(kb.root, kb.index, packaged=True)
    assert dumped(rebuilt.changes(include_reworded=True)) == dumped(found)
    assert rebuilt._archive is not None  # computed from the records instead


def test_a_revision_keeps_its_events_under_its_own_content(cache_dir: Path) -> None:
    """load(rev=) caches and reads events like any folder: those of terms/ as committed."""
    import git

    repo = git.Repo(REPO_TERMS.parent)
    if repo.is_dirty(path="terms", untracked_files=True):
        pytest.skip("terms/ has uncommitted changes: HEAD holds other records")
    now = dumped(tos_kb.load(REPO_TERMS).changes(include_reworded=True))
    first = tos_kb.load(rev="HEAD")
    assert dumped(first.changes(include_reworded=True)) == now
    again = tos_kb.load(rev="HEAD")
    assert dumped(again.changes(include_reworded=True)) == now
    assert again._archive is None  # from the cache: the committed records were not parsed
    assert again.release.commit == repo.head.commit.hexsha
