"""Conditions, facts and answers in plain words: the one sentence renderer.

Why one module: ``explain()``, ``tos-kb show``, the change summaries, the
story of a provider and the site all print conditions. Written once here,
they cannot drift: a condition reads as a lawyer writes it ("unless you have
more than 700,000,000 monthly active users", "student in Llama 2 or Orca 2"),
numbers with thousands separators, subjects by their names.

How a fact reads comes from the vocabulary (``wording`` in
``terms/vocabulary/facts.yaml``), never from a record: a boolean fact has a
phrase for true and for false; any other fact a template whose ``{}`` takes
the comparison ("more than 700,000,000") or the values ("the EEA or the UK"),
and optionally a negated template and labels for its values. A fact without
wording reads as its name ("competing", "student in Llama 2 or Orca 2").
``{provider}`` in a phrase is the name of the provider whose text holds the
condition ("the provider" when none is known).

Negations are pushed down to the comparisons (``not (a and b)`` reads "not a
or not b", ``not in`` reads "neither ... nor"), so no reader has to resolve
a bracketed "not (...)".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tos_kb.records import conditions as cond

# Comparison words, and the comparison that negates each.
_COMPARISON = {
    "lt": "fewer than",
    "lte": "at most",
    "gt": "more than",
    "gte": "at least",
    "eq": "exactly",
    "ne": "other than",
}
_NEGATED_OP = {
    "eq": "ne",
    "ne": "eq",
    "lt": "gte",
    "gte": "lt",
    "gt": "lte",
    "lte": "gt",
    "in": "not_in",
    "not_in": "in",
}
# How each verdict reads in a sentence about a past or present answer.
VERDICT_WORDS = {
    "permitted": "permitted",
    "prohibited": "prohibited",
    "conditional": "conditional",
    "unknown": "unknown",
    "silent": "not addressed",
}


def number(value: int | float) -> str:
    """A number with thousands separators: 700,000,000."""
    return f"{value:,}"


def show_value(value: Any) -> str:
    """A fact value as answers print it (700,000,000, true, llama-2)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return number(value)
    return str(value)


def either(items: list[str], word: str = "or") -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"


@dataclass(frozen=True)
class FactWording:
    """How one fact reads (from the vocabulary); see the module docstring."""

    if_true: str | None = None
    if_false: str | None = None
    template: str | None = None
    negated: str | None = None
    values: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Wording:
    """The renderer, with what it knows of the archive: fact wordings and subject names."""

    facts: Mapping[str, FactWording] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)  # subject id -> name

    def condition(self, c: cond.Condition, provider: str | None = None) -> str:
        """A condition in words, negations pushed down to the comparisons."""
        return self._phrase(c, False, provider or "the provider")

    def negated(self, c: cond.Condition, provider: str | None = None) -> str:
        """The condition's negation in words (when rights are withheld, say)."""
        return self._phrase(c, True, provider or "the provider")

    def value(self, fact: str, value: Any) -> str:
        """One value of a fact: a subject's name, an enum value's label, a number."""
        wording = self.facts.get(fact)
        if wording is not None and isinstance(value, str) and value in wording.values:
            return wording.values[value]
        if isinstance(value, str) and value in self.names:
            return self.names[value]
        return show_value(value)

    def facts_given(self, facts: Mapping[str, Any], provider: str | None = None) -> str:
        """Facts of a question in words ("the model competes with OpenAI and ...")."""
        if not facts:
            return "whatever the facts"
        tests = [cond.Test(name, "eq", value) for name, value in facts.items()]
        return " and ".join(self._phrase(t, False, provider or "the provider") for t in tests)

    # --- the tree ---------------------------------------------------------------------

    def _phrase(self, c: cond.Condition, negate: bool, provider: str) -> str:
        if isinstance(c, cond.Test):
            return self._test(c, negate, provider)
        if isinstance(c, cond.Not):
            return self._phrase(c.part, not negate, provider)
        conjunction = isinstance(c, cond.All) != negate  # De Morgan
        parts = [self._part(p, negate, provider, conjunction) for p in c.parts]
        return (" and " if conjunction else " or ").join(parts)

    def _part(self, c: cond.Condition, negate: bool, provider: str, outer: bool) -> str:
        """A part of an all/any, bracketed when it joins its own parts the other way."""
        text = self._phrase(c, negate, provider)
        inner = c
        while isinstance(inner, cond.Not):
            negate, inner = not negate, inner.part
        several = isinstance(inner, cond.All | cond.Any_) and len(inner.parts) > 1
        if several and (isinstance(inner, cond.All) != negate) != outer:
            return f"({text})"
        return text

    def _test(self, t: cond.Test, negate: bool, provider: str) -> str:
        op = _NEGATED_OP[t.op] if negate else t.op
        wording = self.facts.get(t.fact)
        if isinstance(t.value, bool) and op in ("eq", "ne"):
            holds = t.value == (op == "eq")
            if wording and wording.if_true and wording.if_false:
                return (wording.if_true if holds else wording.if_false).replace(
                    "{provider}", provider
                )
            return t.fact if holds else f"not {t.fact}"
        if op in _COMPARISON and not isinstance(t.value, str):
            words = f"{_COMPARISON[op]} {number(t.value)}"
            if wording and wording.template:
                return self._fill(wording.template, words, provider)
            return f"{t.fact} is {words}"
        values = list(t.value) if isinstance(t.value, tuple) else [t.value]
        shown = [self.value(t.fact, v) for v in values]
        positive = op in ("eq", "in")
        if wording and wording.template:
            if positive:
                return self._fill(wording.template, either(shown), provider)
            if wording.negated:
                return self._fill(wording.negated, either(shown), provider)
            return self._fill(wording.template, _not(shown), provider)
        if positive:
            return f"{t.fact} {'is' if len(shown) == 1 else 'in'} {either(shown)}"
        return f"{t.fact} {'is not' if len(shown) == 1 else 'not in'} {either(shown)}"

    @staticmethod
    def _fill(template: str, words: str, provider: str) -> str:
        return template.replace("{provider}", provider).replace("{}", words)


def _not(shown: list[str]) -> str:
    """``not a``, ``neither a nor b``, ``none of a, b or c``."""
    if len(shown) == 1:
        return f"not {shown[0]}"
    if len(shown) == 2:
        return f"neither {shown[0]} nor {shown[1]}"
    return f"none of {either(shown)}"


PLAIN = Wording()  # no vocabulary: facts read as their names (describe(), tests, messages)


def all_of(phrases: Iterable[str]) -> str:
    """Phrases joined as one list: ``a``, ``a and b``, ``a, b and c``."""
    return either(list(phrases), "and")
