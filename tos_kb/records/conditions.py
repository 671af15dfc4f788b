"""A small declarative condition language over facts, evaluated three-valued.

Why: rules hold conditions such as "the student is not Llama 2" or "fewer
than 700M monthly active users". They are data a lawyer writes in YAML, so
they are parsed into a tiny tree, never ``eval``-ed. A fact the asker did not
give makes a test *unknown* (``None``), and unknowns flow through ``all``,
``any`` and ``not`` as in Kleene logic, so the engine can say which missing
facts decide the answer (partial evaluation, as Cedar does).

YAML forms::

    {competing: true}                      # equality shorthand
    {student: {not_in: [llama-2]}}         # in / not_in a list
    {monthly_active_users: {lte: 700000000}}   # lt, lte, gt, gte, eq, ne
    {all: [...]}, {any: [...]}, {not: {...}}
    {a: 1, b: 2}                           # several keys: all of them
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

Facts = Mapping[str, Any]
Truth = bool | None  # None: unknown, a fact it needs was not given

OPERATORS: dict[str, str] = {
    "eq": "=",
    "ne": "≠",
    "lt": "<",
    "lte": "≤",
    "gt": ">",
    "gte": "≥",
    "in": "in",
    "not_in": "not in",
}
_NUMERIC = {"lt", "lte", "gt", "gte"}
_LISTS = {"in", "not_in"}
COMBINATORS = ("all", "any", "not")


class ConditionError(ValueError):
    """A condition that does not follow the format; ``path`` locates the culprit."""

    def __init__(self, message: str, path: tuple[str | int, ...] = ()):
        super().__init__(message)
        self.path = path


@dataclass(frozen=True)
class Test:
    """One comparison of a fact with a value."""

    fact: str
    op: str
    value: Any

    def evaluate(self, facts: Facts) -> Truth:
        if self.fact not in facts or facts[self.fact] is None:
            return None
        given = facts[self.fact]
        match self.op:
            case "eq":
                return bool(given == self.value)
            case "ne":
                return bool(given != self.value)
            case "in":
                return given in self.value
            case "not_in":
                return given not in self.value
            case "lt":
                return bool(given < self.value)
            case "lte":
                return bool(given <= self.value)
            case "gt":
                return bool(given > self.value)
            case "gte":
                return bool(given >= self.value)
        raise AssertionError(self.op)  # pragma: no cover


@dataclass(frozen=True)
class All:
    """True when every part is; false when any part is false."""

    parts: tuple[Condition, ...]

    def evaluate(self, facts: Facts) -> Truth:
        result: Truth = True
        for part in self.parts:
            value = part.evaluate(facts)
            if value is False:
                return False
            if value is None:
                result = None
        return result


@dataclass(frozen=True)
class Any_:
    """True when any part is; false when every part is false."""

    parts: tuple[Condition, ...]

    def evaluate(self, facts: Facts) -> Truth:
        result: Truth = False
        for part in self.parts:
            value = part.evaluate(facts)
            if value is True:
                return True
            if value is None:
                result = None
        return result


@dataclass(frozen=True)
class Not:
    """The negation of its part; unknown stays unknown."""

    part: Condition

    def evaluate(self, facts: Facts) -> Truth:
        value = self.part.evaluate(facts)
        return None if value is None else not value


Condition = Test | All | Any_ | Not


FactTypeCheck = Callable[[str, Any, tuple[str | int, ...]], None]


def parse(
    raw: Any, check: FactTypeCheck | None = None, path: tuple[str | int, ...] = ()
) -> Condition:
    """Build a condition tree from its YAML form; ``check`` validates facts and values."""
    if not isinstance(raw, dict) or not raw:
        raise ConditionError(
            "a condition is a mapping such as {competing: true} or {all: [...]}", path
        )
    parts = [_parse_entry(key, value, check, (*path, key)) for key, value in raw.items()]
    return parts[0] if len(parts) == 1 else All(tuple(parts))


def _parse_entry(
    key: str, value: Any, check: FactTypeCheck | None, path: tuple[str | int, ...]
) -> Condition:
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"'{key}' takes a non-empty list of conditions", path)
        parts = tuple(parse(item, check, (*path, i)) for i, item in enumerate(value))
        return All(parts) if key == "all" else Any_(parts)
    if key == "not":
        return Not(parse(value, check, path))
    if isinstance(value, dict):
        if len(value) != 1:
            raise ConditionError(
                f"a test on '{key}' takes exactly one operator ({', '.join(OPERATORS)})", path
            )
        ((op, operand),) = value.items()
        if op not in OPERATORS:
            raise ConditionError(
                f"unknown operator '{op}'; allowed: {', '.join(OPERATORS)}", (*path, op)
            )
        if op in _LISTS:
            if not isinstance(operand, list) or not operand:
                raise ConditionError(f"'{op}' takes a non-empty list", (*path, op))
            if check:
                for i, item in enumerate(operand):
                    check(key, item, (*path, op, i))
            return Test(key, op, tuple(operand))
        if op in _NUMERIC and (isinstance(operand, bool) or not isinstance(operand, int | float)):
            raise ConditionError(f"'{op}' compares numbers; found {operand!r}", (*path, op))
        if check:
            check(key, operand, (*path, op))
        return Test(key, op, operand)
    if isinstance(value, list):
        raise ConditionError(f"to test '{key}' against a list write {{{key}: {{in: [...]}}}}", path)
    if check:
        check(key, value, path)
    return Test(key, "eq", value)


def tests(cond: Condition) -> Iterator[Test]:
    """Every comparison in a condition, depth first."""
    if isinstance(cond, Test):
        yield cond
    elif isinstance(cond, Not):
        yield from tests(cond.part)
    else:
        for part in cond.parts:
            yield from tests(part)


def facts_named(cond: Condition) -> list[str]:
    """The facts a condition mentions, in order of first mention."""
    seen: dict[str, None] = {}
    for test in tests(cond):
        seen.setdefault(test.fact, None)
    return list(seen)


def missing_facts(cond: Condition, facts: Facts) -> list[str]:
    """The facts a condition mentions that were not given."""
    return [f for f in facts_named(cond) if facts.get(f) is None]
