"""CONTRIBUTING's worked example runs as written and prints what the page shows."""

from __future__ import annotations

import re
from pathlib import Path

import git
from click.testing import CliRunner
from kbbuilder import write_kb

from tos_kb.cli import main

REPO = Path(__file__).resolve().parent.parent
GUIDE = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


def block(name: str) -> str:
    """The fenced block that follows ``<!-- worked-example:NAME -->``."""
    found = re.search(rf"<!-- worked-example:{name} -->\n```\w+\n(.*?)```", GUIDE, re.S)
    assert found, name
    return found.group(1)


def test_the_worked_example_runs_as_written(tmp_path: Path, monkeypatch) -> None:
    """new, validate and review give the outputs the guide shows, on the fictional archive."""
    write_kb(tmp_path)
    repository = git.Repo.init(tmp_path)
    repository.git.add("terms")
    repository.index.commit("base", author=git.Actor("t", "t@example.invalid"))
    (tmp_path / "third-edition.txt").write_text(block("text"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    new = runner.invoke(
        main, ["new", "acme/terms@2025-01-01", "--text", "third-edition.txt", "--terms", "terms"]
    )
    assert (
        f"$ tos-kb new acme/terms@2025-01-01 --text third-edition.txt --terms terms\n{new.output}"
        in GUIDE
    )

    (tmp_path / "terms/acme/terms/2025-01-01/record.yaml").write_text(
        block("record"), encoding="utf-8"
    )
    validate = runner.invoke(main, ["validate", "terms"])
    review = runner.invoke(main, ["review", "--base", "HEAD", "--terms", "terms"])
    assert (validate.exit_code, review.exit_code) == (0, 0), validate.output + review.output
    shown = block("review")
    printed = (
        f"$ tos-kb validate terms\n{validate.output}"
        f"$ tos-kb review --base HEAD --terms terms\n{review.output}"
    )
    assert shown.rstrip("\n") == printed.rstrip("\n")
