"""The hostile-input page: every hostile or careless input tried, and what it does now.

Why generated: the table is ``tests/hostile_cases.yaml``, the list the test
suite runs case by case (``tests/test_hostile.py`` checks each case's message
in what the user sees), so the page cannot claim an outcome the tests do not
check. Everything shown is escaped.
"""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

import yaml

from .markup import PageSource, code, esc, table

SRC = "hostile-input.md"
CASES = Path(__file__).resolve().parents[2] / "tests" / "hostile_cases.yaml"
INTRO = (
    "Records arrive by pull request from many hands, the tool runs on shared CI machines "
    "and multi-user servers, and this site publishes what the archive holds. Each input "
    "below was tried as an attacker or a careless contributor would; the test suite runs "
    "every one of them and checks the message shown here, so this table lists what the "
    "code does, not what it is hoped to do. 'Before' is what the input did before these "
    "defences."
)


def page() -> PageSource:
    """The page (without the table when the test suite is not beside the package)."""
    out = PageSource(SRC, "Hostile input")
    out.html(f"<p>{esc(INTRO)}</p>")
    if not CASES.is_file():
        return out
    rows = yaml.safe_load(CASES.read_text("utf-8"))
    for area, cases in groupby(rows, key=lambda row: row["area"]):
        out.heading(2, area.capitalize())
        out.html(
            table(
                ["Tried", "Before", "Now", "Message"],
                [
                    [
                        esc(row["tried"]),
                        esc(row["before"]),
                        esc(row["outcome"]),
                        code(row["message"]),
                    ]
                    for row in cases
                ],
            )
        )
    return out
