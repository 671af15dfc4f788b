"""Real questions with the answers the archived texts give, written as data.

Each file in tests/scenarios/ holds questions a compliance team would ask,
with the expected verdict and the clause that decides it (``basis``). They
run against the shipped knowledge base.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import tos_kb
from tos_kb.records.yamlsafe import read_yaml

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
FIELDS = {
    "id",
    "question",
    "subject",
    "action",
    "on",
    "facts",
    "expect",
    "missing",
    "obligations_include",
    "basis",
    "cites",
}


def load_scenarios() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for path in sorted(SCENARIOS.glob("*.yaml")):
        for entry in read_yaml(path).data or []:
            items.append({**entry, "_file": path.name})
    return items


ALL = load_scenarios()


def test_scenarios_are_well_formed() -> None:
    """Every scenario has an id, a question, a basis and only known fields; ids are unique."""
    ids = [s["id"] for s in ALL]
    assert len(ids) == len(set(ids)), "duplicate scenario ids"
    for s in ALL:
        unknown = set(s) - FIELDS - {"_file"}
        assert not unknown, (s["id"], unknown)
        for required in ("question", "subject", "action", "on", "expect", "basis"):
            assert s.get(required), (s.get("id"), required)


@pytest.mark.parametrize("scenario", ALL, ids=[s["id"] for s in ALL])
def test_scenario(scenario: dict[str, Any]) -> None:
    """The shipped knowledge base answers the scenario as its basis says."""
    d = tos_kb.ask(
        scenario["subject"],
        scenario["action"],
        on=str(scenario["on"]),
        **(scenario.get("facts") or {}),
    )
    detail = f"{scenario['_file']}::{scenario['id']}\n{d.explain()}"
    assert d.verdict == scenario["expect"], detail
    for fact in scenario.get("missing") or []:
        assert fact in d.missing_facts, detail
    for duty in scenario.get("obligations_include") or []:
        assert any(duty in o for o in d.obligations), detail
    for cited in scenario.get("cites") or []:
        assert any(c.key == cited or c.document == cited for c in d.citations), detail
