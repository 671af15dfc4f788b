"""The story of a provider: events that moved an answer, in order, with coverage and quotes."""

from __future__ import annotations

import json
from datetime import date

from click.testing import CliRunner

import tos_kb
from tos_kb.cli import main
from tos_kb.diff.rules import Direction

KB = tos_kb.load()


def test_openai_story_tells_the_2023_tightening_with_quotes() -> None:
    """2020-2024: excerpts named, the competing-model clause quoted before and after."""
    story = KB.story("openai", since="2020-01-01", until="2024-12-31")
    days = [c.event.on for c in story.chapters]
    assert days == sorted(days) and days and date(2020, 1, 1) <= days[0] <= days[-1]
    assert all(c.event.direction != Direction.REWORDED for c in story.chapters)
    opening = " ".join(story.coverage)
    assert "openai/terms-of-use before 2023-03-14" in opening and "excerpts" in opening
    text = story.to_text()
    assert '"use output from the Services to develop models that compete with OpenAI"' in text
    assert "foundation models or other large scale models that compete with OpenAI" in text
    assert "2023-03-14 — tightened" in text


def test_story_of_a_subject_keeps_to_it() -> None:
    """A subject's story holds its own events and those of the documents that govern it."""
    story = KB.story("llama-3.1")
    governing = {g.document for g in KB.subject("llama-3.1").governed_by}
    for chapter in story.chapters:
        e = chapter.event
        assert e.subject == "llama-3.1" or e.document in governing


def test_cli_story_formats() -> None:
    """`tos-kb story` prints text, Markdown (quotes side by side) and JSON."""
    runner = CliRunner()
    args = ["story", "openai", "--since", "2020-01-01", "--until", "2024-12-31"]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    assert text.output.startswith("The story of OpenAI, 2020-01-01 to 2024-12-31")
    markdown = runner.invoke(main, [*args, "--format", "markdown"]).output
    assert "| before | after |" in markdown
    data = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert data["coverage"] and data["events"][0]["actions"]
    bad = runner.invoke(main, ["story", "no-such-provider"])
    assert bad.exit_code != 0 and "Traceback" not in bad.output
