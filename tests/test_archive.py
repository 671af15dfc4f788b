"""The archive as a whole: it validates, it covers the corpus, and its README is current."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

import tos_kb
from tos_kb.contribute.coverage_tables import current_section, markdown
from tos_kb.records.loader import load_archive
from tos_kb.records.validate import check_structure, check_texts

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
        version = kb.index.versions[f"{record.document}@{record.version}"]
        assert all(version.rules.get(a) for a in core), record.document


REQUIRED_SUBJECTS = {
    "openai-api": "openai",
    "chatgpt": None,
    "anthropic-api": "anthropic",
    "claude-ai": None,
    "gemini-api": "google",
    "xai-api": "xai",
    "grok": None,
    "mistral-api": "mistral",
    "deepseek-api": None,
    "llama-1": None,
    "llama-2": None,
    "llama-3": None,
    "llama-3.1": None,
    "llama-3.2": None,
    "llama-3.3": None,
    "llama-4": None,
    "gemma": None,
    "falcon-7b": None,
    "falcon-40b": None,
    "falcon-180b": None,
    "falcon-2-11b": None,
    "mistral-7b": None,
    "mixtral-8x7b": None,
    "codestral-22b": None,
    "mistral-large-2": None,
    "qwen-7b": None,
    "qwen-72b": None,
    "qwen2.5-3b": None,
    "qwen2.5-7b": None,
    "qwen2.5-72b": None,
    "deepseek-v3": None,
    "deepseek-r1": None,
    "gpt-j-6b": None,
    "phi-2": None,
    "phi-3-mini": None,
    "orca-2": None,
    "alpaca-7b": None,
    "vicuna-7b": None,
}


@pytest.mark.parametrize(("subject", "alias"), sorted(REQUIRED_SUBJECTS.items()))
def test_required_subjects_and_aliases(subject: str, alias: str | None) -> None:
    """Every subject users ask about exists, and provider ids alias their main service."""
    kb = tos_kb.load()
    assert kb.resolve_subject(subject) == subject
    if alias is not None:
        assert kb.resolve_subject(alias) == subject
