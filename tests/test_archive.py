"""The archive as a whole: it validates, it covers the corpus, and its README is current."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import tos_kb
from tos_kb.coverage import current_section, markdown
from tos_kb.loader import load_archive
from tos_kb.validate import check_structure, check_texts

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus"


def test_shipped_archive_has_no_problems() -> None:
    """Every record validates, every hash matches and every quote is verbatim."""
    archive = load_archive(REPO / "terms")
    check_structure(archive)
    check_texts(archive)
    assert [p.render() for p in archive.problems] == []


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the source corpus is not beside the repo")
def test_every_corpus_text_is_archived_byte_for_byte() -> None:
    """Each text of the source corpus stands in terms/ unchanged (same sha256)."""
    archived = {hashlib.sha256(p.read_bytes()).hexdigest() for p in (REPO / "terms").rglob("*.txt")}
    missing = [
        str(p.relative_to(CORPUS))
        for p in sorted(CORPUS.rglob("*.txt"))
        if hashlib.sha256(p.read_bytes()).hexdigest() not in archived
    ]
    assert missing == []


def test_terms_readme_coverage_is_current() -> None:
    """The coverage tables in terms/README.md match the records (run `tos-kb coverage --write`)."""
    assert current_section(REPO / "terms" / "README.md") == markdown(tos_kb.load())


def test_every_governing_version_covers_every_core_action() -> None:
    """No version of a governing document leaves a core action unanswered (silence is explicit)."""
    kb = tos_kb.load()
    core = [a for a, spec in kb.actions.items() if spec.core]
    for record in kb.versions():
        kind = kb.archive.kinds[kb.archive.documents[record.document].kind]
        if not kind.governs:
            continue
        version = kb._versions[f"{record.document}@{record.version}"]
        assert all(version.rules.get(a) for a in core), record.document
