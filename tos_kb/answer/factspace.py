"""The finite space of fact values that can change an answer.

Why: conditions compare facts with a handful of constants (a threshold, a
list of models, true/false). Only those constants, the values just beside
them, and "not given" can change a verdict, so answering "what if?"
(``explain``) and "is B stricter than A?" (diffs) needs only this small space,
never a search over all integers or all model names.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tos_kb.records import conditions as cond
from tos_kb.records.vocab import FactLike, FactType
from tos_kb.records.wording import show_value

OTHER_STUDENT = "another-model"


def relevant_values(
    definition: FactLike, name: str, conditions: Iterable[cond.Condition]
) -> list[tuple[Any, str]]:
    """Representative values of one fact with readable labels, smallest set that matters."""
    tests = [t for c in conditions for t in cond.tests(c) if t.fact == name]
    if definition.type == FactType.BOOLEAN:
        return [(True, f"{name}"), (False, f"not {name}")]
    if definition.type == FactType.ENUM:
        return [(v, f"{name} = {v}") for v in definition.values or []]
    if definition.type == FactType.INTEGER:
        ops_at: dict[Any, set[str]] = {}
        for t in tests:
            if t.op in ("lt", "lte", "gt", "gte", "eq", "ne"):
                ops_at.setdefault(t.value, set()).add(t.op)
        if not ops_at:
            return [(0, f"{name} = 0")]
        values: list[tuple[Any, str]] = []
        for bound in sorted(ops_at):
            shown = show_value(bound)
            if ops_at[bound] <= {"lte", "gt"}:
                values += [(bound, f"{name} ≤ {shown}"), (bound + 1, f"{name} > {shown}")]
            elif ops_at[bound] <= {"lt", "gte"}:
                values += [(bound - 1, f"{name} < {shown}"), (bound, f"{name} ≥ {shown}")]
            else:
                values += [
                    (bound - 1, f"{name} < {shown}"),
                    (bound, f"{name} = {shown}"),
                    (bound + 1, f"{name} > {shown}"),
                ]
        return _dedupe(values)
    named = [v for t in tests if t.op in ("in", "not_in") for v in t.value]
    named += [t.value for t in tests if t.op in ("eq", "ne")]
    values = [(v, f"{name} = {v}") for v in dict.fromkeys(named)]
    values.append(
        (
            OTHER_STUDENT if definition.type == FactType.SUBJECT else "other",
            f"{name} is another value",
        )
    )
    return values


def _dedupe(values: list[tuple[Any, str]]) -> list[tuple[Any, str]]:
    seen: dict[Any, str] = {}
    for value, label in values:
        seen.setdefault(value, label)
    return list(seen.items())
