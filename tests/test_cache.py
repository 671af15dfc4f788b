"""The compiled-KB cache: reused while terms/ is unchanged, never stale, never fatal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import tos_kb
from tos_kb.store import cache


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOS_KB_CACHE", str(folder))
    monkeypatch.delenv("TOS_KB_NO_CACHE", raising=False)
    return folder


def test_second_load_comes_from_the_cache(terms: Path, cache_dir: Path) -> None:
    """A second load of an unchanged folder is the cached index, answering the same."""
    first = tos_kb.load(terms)
    assert len(list(cache_dir.glob("*.pickle"))) == 1
    second = tos_kb.load(terms)
    assert second._archive is None  # records not parsed again
    question = ("acme-api", "train-on-outputs", "2023-06-01")
    assert (
        first.ask(*question, competing=True).to_dict()
        == second.ask(*question, competing=True).to_dict()
    )
    assert [r.version for r in second.versions()] == [r.version for r in first.versions()]


def test_an_edit_invalidates_the_cache(terms: Path, cache_dir: Path) -> None:
    """Changing a record changes the fingerprint, so the edit is seen at once."""
    before = tos_kb.load(terms).ask(
        "acme-api", "scrape-outputs", on="2023-06-01", jurisdiction="rest-of-world"
    )
    record = terms / "acme/terms/2023-03-14/record.yaml"
    record.write_text(
        record.read_text().replace(
            "  verdict: prohibited\n  section: '3'",
            "  verdict: conditional\n  condition: x\n  section: '3'",
        )
    )
    stat = record.stat()
    os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    after = tos_kb.load(terms).ask(
        "acme-api", "scrape-outputs", on="2023-06-01", jurisdiction="rest-of-world"
    )
    assert (before.verdict, after.verdict) == ("prohibited", "conditional")


def test_a_corrupt_cache_file_is_ignored(terms: Path, cache_dir: Path) -> None:
    """A damaged cache entry is read as a miss and rebuilt."""
    tos_kb.load(terms)
    [path] = cache_dir.glob("*.pickle")
    path.write_bytes(b"not a pickle")
    kb = tos_kb.load(terms)
    assert (
        kb.ask("zeta", "fine-tune-weights", on="2023-08-01", monthly_active_users=1).verdict
        == "permitted"
    )


def test_cache_can_be_turned_off(
    terms: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TOS_KB_NO_CACHE=1 writes nothing."""
    monkeypatch.setenv("TOS_KB_NO_CACHE", "1")
    tos_kb.load(terms)
    assert not cache_dir.exists()
    assert cache.cache_dir() is None


def test_the_real_index_reads_back_through_the_restricted_unpickler() -> None:
    """Every class a compiled index (and its shelf's shards) holds is in safepickle.ALLOWED:
    a class missing there would make every warm start rebuild."""
    from tos_kb.answer.index import Index
    from tos_kb.records.loader import load_archive

    index = Index(load_archive(Path(__file__).resolve().parent.parent / "terms"))
    again = cache.loads(cache.dumps(index, "k"), "k")
    assert sorted(again.versions) == sorted(index.versions)  # every shard unpacked


def test_a_planted_shard_runs_no_code(tmp_path: Path) -> None:
    """A shelf shard that would call a function is refused when it is unpacked."""
    import pickle
    import zlib

    from tos_kb.answer.shelf import Shelf

    proof = tmp_path / "proof"

    class Planted:
        def __reduce__(self) -> tuple[object, tuple[str, str]]:
            return (Path.write_text, (str(proof), "code ran"))  # type: ignore[return-value]

    shelf = Shelf()
    shelf.packed["acme/terms"] = zlib.compress(pickle.dumps(Planted()))
    with pytest.raises(pickle.UnpicklingError, match="is not part of a compiled index"):
        shelf.open("acme/terms")
    assert not proof.exists()
