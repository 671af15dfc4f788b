"""`tos-kb review`: the report on a contribution, as a reviewer reads it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import git
import pytest
import yaml
from click.testing import CliRunner
from kbbuilder import ACME_TERMS_V2, acme_rules_v2, version, write_kb

from tos_kb.cli import main


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed fictional archive in a git repository."""
    write_kb(tmp_path)
    repository = git.Repo.init(tmp_path)
    repository.git.add("terms")
    repository.index.commit("base", author=git.Actor("t", "t@example.invalid"))
    return tmp_path / "terms"


def review(terms: Path):
    return CliRunner().invoke(main, ["review", "--base", "HEAD", "--terms", str(terms)])


def test_added_version_reports_tightening_with_witness(repo: Path) -> None:
    """A new version that forbids what the last one allowed is flagged as a tightening."""
    text = ACME_TERMS_V2.replace("second edition", "third edition")
    rules = [r for r in acme_rules_v2() if r["action"] != "build-eval-set"]
    rules.append(
        {
            "action": "build-eval-set",
            "verdict": "prohibited",
            "section": "2",
            "quote": "You may not use Output to train any model.",
        }
    )
    added = version("acme/terms", "2025-01-01", text, rules)
    folder = repo / "acme/terms/2025-01-01"
    folder.mkdir()
    (folder / "text.txt").write_text(text)
    (folder / "record.yaml").write_text(yaml.safe_dump(added["record"], sort_keys=False))
    result = review(repo)
    assert result.exit_code == 0, result.output
    assert "## Added: `acme/terms@2025-01-01`" in result.output
    assert "Compared with `acme/terms@2024-01-31`" in result.output
    assert "| build-eval-set | tightened | with no facts given: silent -> prohibited |" in (
        result.output
    )


def test_changed_record_shows_the_answers_it_moves(repo: Path) -> None:
    """Editing a rule in an existing version reports the action and the witness facts."""
    record = repo / "acme/terms/2023-03-14/record.yaml"
    record.write_text(
        record.read_text().replace(
            "- action: scrape-outputs\n  verdict: prohibited",
            "- action: scrape-outputs\n  verdict: permitted",
        )
    )
    result = review(repo)
    assert "## Changed: `acme/terms@2023-03-14`" in result.output
    assert "| scrape-outputs | loosened | with no facts given: prohibited -> permitted |" in (
        result.output
    )


def test_text_edited_in_place_fails_the_review(repo: Path) -> None:
    """Archived texts are never edited: changing one (even with its hash) fails review."""
    folder = repo / "acme/terms/2023-03-14"
    text = (folder / "text.txt").read_text() + "An added sentence.\n"
    (folder / "text.txt").write_text(text)
    record = folder / "record.yaml"
    old_hash = yaml.safe_load(record.read_text())["sha256"]
    record.write_text(
        record.read_text().replace(old_hash, hashlib.sha256(text.encode()).hexdigest())
    )
    result = review(repo)
    assert result.exit_code == 1
    assert "The archived text was edited in place" in result.output


def test_problems_are_limited_to_the_changed_files(repo: Path) -> None:
    """A broken changed record is listed with its line; the report says it needs fixes."""
    record = repo / "zeta/license/2023-07-18/record.yaml"
    record.write_text(record.read_text().replace("coverage: full", "coverage: partial"))
    result = review(repo)
    assert result.exit_code == 1
    assert "❌ needs fixes" in result.output
    assert "terms/zeta/license/2023-07-18/record.yaml:" in result.output


def test_unknown_base_is_a_usage_error(repo: Path) -> None:
    """A base revision that does not exist is one clear message."""
    result = CliRunner().invoke(main, ["review", "--base", "nope", "--terms", str(repo)])
    assert result.exit_code == 2
    assert "cannot compare with git revision 'nope'" in result.output


def test_withdrawal_is_reported_as_a_date_change(repo: Path) -> None:
    """Ending a version early moves answers over a whole range: the report says so."""
    record = repo / "acme/terms/2023-03-14/record.yaml"
    record.write_text(
        record.read_text().replace("retrieved:", "withdrawn: '2023-12-01'\nretrieved:")
    )
    result = review(repo)
    assert "**dates changed:** withdrawn: none → 2023-12-01" in result.output
    assert "governs [2023-03-14, 2024-01-31) → [2023-03-14, 2023-12-01)" in result.output
