"""The README's Python examples run as written, and say what they print."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def test_readme_python_examples_run() -> None:
    """Each python block of the README runs, in order, against the shipped archive."""
    blocks = BLOCK.findall((REPO / "README.md").read_text(encoding="utf-8"))
    assert blocks
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)


def test_readme_commented_results_hold() -> None:
    """The results the README states in comments are what the archive answers."""
    import tos_kb

    kb = tos_kb.load()
    d = kb.ask(
        "llama-3.1",
        "train-on-outputs",
        on="2024-08-01",
        student="mistral-7b",
        monthly_active_users=1_000_000,
    )
    assert d.verdict == "permitted"
    diff = kb.diff("meta/llama-3-license@2024-04-18", "meta/llama-3.1-license@2024-07-23")
    assert diff.direction == "loosened"
    witness = next(c for c in diff.rules if c.action == "train-on-outputs").looser
    readme = " ".join((REPO / "README.md").read_text(encoding="utf-8").replace("#", "").split())
    assert repr(witness.facts) in readme
    assert (witness.old.verdict, witness.new.verdict) == ("prohibited", "permitted")
    [event] = [e for e in kb.changes(subject="falcon-40b", direction="loosened") if e.subject]
    assert " ".join(event.actions[4].summary.split()) in readme
    assert event.summary.startswith("Falcon-40B: from 2023-05-31 governed by oss/apache-2.0")
