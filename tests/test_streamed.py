"""The first compile of a large archive, document by document: the very index, or none.

Large archives compile one document at a time (:mod:`tos_kb.answer.streamed`); the
index they give must be the one compiled from the whole archive at once, byte for
byte once pickled, and an archive with problems must not be compiled that way.
"""

from __future__ import annotations

import pickle
from pathlib import Path

from tos_kb.answer.index import Index
from tos_kb.answer.streamed import compile_streamed
from tos_kb.records.loader import load_archive
from tos_kb.records.validate import check_structure

REPO = Path(__file__).resolve().parent.parent


def _whole(root: Path) -> Index:
    archive = load_archive(root)
    check_structure(archive)
    assert archive.problems == []
    return Index(archive)


def test_the_streamed_index_is_the_whole_archives(terms: Path) -> None:
    """The fictional archive: same pickled index, and the same answers."""
    streamed = compile_streamed(terms)
    assert streamed is not None
    whole = _whole(terms)
    assert pickle.dumps(streamed) == pickle.dumps(whole)
    assert sorted(streamed.versions) == sorted(whole.versions)
    assert streamed.latest_start == whole.latest_start and streamed.horizon == whole.horizon


def test_the_real_archive_streams_to_the_same_index() -> None:
    streamed = compile_streamed(REPO / "terms")
    assert streamed is not None
    assert pickle.dumps(streamed) == pickle.dumps(_whole(REPO / "terms"))


def test_an_archive_with_a_problem_is_not_streamed(terms: Path) -> None:
    """A broken version stops the streamed compile, so load() reports it the usual way."""
    path = terms / "acme/terms/2023-03-14/record.yaml"
    path.write_text(path.read_text().replace("action: scrape-outputs", "action: scrape", 1))
    assert compile_streamed(terms) is None
