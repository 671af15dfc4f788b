"""Loading terms/ as recorded at a git revision, so old answers can be reproduced."""

from __future__ import annotations

from pathlib import Path

import git
import pytest
from kbbuilder import write_kb

import tos_kb


@pytest.fixture
def repo(tmp_path: Path) -> git.Repo:
    """A git repository whose terms/ changes between two commits."""
    write_kb(tmp_path)
    repository = git.Repo.init(tmp_path)
    repository.git.add("terms")
    repository.index.commit("first", author=git.Actor("t", "t@example.invalid"))
    repository.create_tag("v1")
    record = tmp_path / "terms/acme/terms/2023-03-14/record.yaml"
    record.write_text(
        record.read_text().replace(
            "verdict: prohibited\n  section: '3'",
            "verdict: conditional\n  condition: x\n  section: '3'",
        )
    )
    repository.git.add("terms")
    repository.index.commit("second", author=git.Actor("t", "t@example.invalid"))
    return repository


def test_load_at_a_tag_answers_as_then(repo: git.Repo) -> None:
    """load(rev=...) reads the records as committed at that revision."""
    root = Path(repo.working_tree_dir)
    question = ("acme-api", "scrape-outputs", "2023-06-01")
    now = tos_kb.load(root / "terms").ask(*question, jurisdiction="rest-of-world")
    then = tos_kb.load(root, rev="v1").ask(*question, jurisdiction="rest-of-world")
    assert (then.verdict, now.verdict) == ("prohibited", "conditional")


def test_unknown_revision_is_a_clear_error(repo: git.Repo) -> None:
    """A revision that does not exist raises ValueError naming it."""
    with pytest.raises(ValueError, match="cannot read terms/ at git revision 'nope'"):
        tos_kb.load(Path(repo.working_tree_dir), rev="nope")


def test_cli_ask_at_a_revision(repo: git.Repo) -> None:
    """`tos-kb ask --rev` answers from the archive as committed at that revision."""
    from click.testing import CliRunner

    from tos_kb.cli import main

    terms = str(Path(repo.working_tree_dir) / "terms")
    args = [
        "ask",
        "acme-api",
        "scrape-outputs",
        "--on",
        "2023-06-01",
        "--fact",
        "jurisdiction=rest-of-world",
        "--json",
        "--terms",
        terms,
    ]
    then = CliRunner().invoke(main, [*args, "--rev", "v1"])
    now = CliRunner().invoke(main, args)
    assert '"verdict": "prohibited"' in then.output
    assert '"verdict": "conditional"' in now.output
