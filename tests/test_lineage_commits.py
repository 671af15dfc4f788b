"""One question's answer across the git commits that changed terms/, on a repository built here."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest
from click.testing import CliRunner
from kbbuilder import write_kb

from tos_kb.cli import main
from tos_kb.lineage.commits import answer_across_commits

QUESTION = ("acme-api", "scrape-outputs", "2023-06-01", {"jurisdiction": "rest-of-world"})
RECORD = "terms/acme/terms/2023-03-14/record.yaml"


def commit(repo: git.Repo, message: str) -> str:
    repo.git.add("-A")
    return repo.index.commit(message, author=git.Actor("t", "t@example.invalid")).hexsha


@pytest.fixture
def history(tmp_path: Path) -> tuple[git.Repo, list[str]]:
    """Commits: the first archive; a correction; an unrelated edit; a broken record; its fix."""
    write_kb(tmp_path)
    repo = git.Repo.init(tmp_path)
    record = tmp_path / RECORD
    shas = [commit(repo, "Add the Example Corp terms")]
    original = record.read_text()
    record.write_text(
        original.replace(
            "verdict: prohibited\n  section: '3'",
            "verdict: conditional\n  condition: whether the tool is a scraper\n  section: '3'",
        )
    )
    shas.append(commit(repo, "Correct s.3: the ban turns on what counts as scraping"))
    (tmp_path / "README.md").write_text("outside terms/\n")
    commit(repo, "A commit outside terms/")
    policy = tmp_path / "terms/acme/policy/2023-01-01/record.yaml"
    policy.write_text(policy.read_text().replace("fictional", "fictional (checked again)"))
    shas.append(commit(repo, "Re-check the policy's basis"))
    record.write_text("document: [unclosed\n")
    shas.append(commit(repo, "Break a record"))
    record.write_text(original)
    shas.append(commit(repo, "Restore s.3 as first recorded"))
    return repo, shas


def test_answer_changes_are_listed_with_commit_date_and_message(
    history: tuple[git.Repo, list[str]],
) -> None:
    """Only commits where the answer moved are listed; unrelated edits are not."""
    repo, shas = history
    subject, action, on, facts = QUESTION
    rows = answer_across_commits(subject, action, on, facts, repo=repo.working_tree_dir)
    assert [(r.commit, r.verdict, r.message) for r in rows] == [
        (shas[0], "prohibited", "Add the Example Corp terms"),
        (shas[1], "conditional", "Correct s.3: the ban turns on what counts as scraping"),
        (shas[3], "error", "Break a record"),
        (shas[4], "prohibited", "Restore s.3 as first recorded"),
    ]
    assert rows[2].error is not None and "problem" in rows[2].error


def test_each_answer_is_the_one_load_rev_gives(history: tuple[git.Repo, list[str]]) -> None:
    """The answer listed for a commit is what load(rev=commit).ask gives."""
    import tos_kb

    repo, _ = history
    subject, action, on, facts = QUESTION
    rows = answer_across_commits(subject, action, on, facts, repo=repo.working_tree_dir)
    for row in rows:
        if row.decision is not None:
            again = tos_kb.load(repo.working_tree_dir, rev=row.commit).ask(
                subject, action, on, **facts
            )
            assert again.to_dict() == row.decision.to_dict()


def test_cli_history_commits(history: tuple[git.Repo, list[str]]) -> None:
    """tos-kb history --commits --on prints one line per change; --json gives the same rows."""
    repo, shas = history
    terms = str(Path(repo.working_tree_dir) / "terms")
    args = ["history", "acme-api", "scrape-outputs", "--on", "2023-06-01", "--commits"]
    args += ["--fact", "jurisdiction=rest-of-world", "--terms", terms]
    text = CliRunner().invoke(main, args)
    assert text.exit_code == 0, text.output
    lines = text.output.splitlines()
    assert len(lines) == 4
    assert lines[1].startswith(shas[1][:12]) and "conditional" in lines[1]
    assert lines[1].endswith("Correct s.3: the ban turns on what counts as scraping")
    data = json.loads(CliRunner().invoke(main, [*args, "--json"]).output)
    assert [row["commit"] for row in data] == [shas[0], shas[1], shas[3], shas[4]]


def test_commits_needs_a_day() -> None:
    """--commits without --on is a usage error naming the option."""
    result = CliRunner().invoke(main, ["history", "acme-api", "scrape-outputs", "--commits"])
    assert result.exit_code == 2
    assert "--commits needs --on" in result.output
