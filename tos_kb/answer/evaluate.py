"""Evaluation: what one version, then all governing documents, say of an action.

Why separate from the knowledge base: evaluation is a pure function of
compiled rules and facts, so it can be reasoned about (and property-tested)
without the loader. Semantics, in order:

1. Within a version, the rules of the action (or of its nearest ancestor
   that has rules) are split by their condition into *apply* (true),
   *may apply* (a fact it needs is missing) and *do not apply* (false).
2. A prohibition wins over a condition, a condition over a permission; a
   prohibition or permission that only *may* apply makes the answer
   conditional on the facts it needs.
3. A precondition that fails prohibits what the version speaks to (an action
   it is silent on needs none of its rights); one with missing facts makes a
   permission conditional. Duties of permissions and of conditional rules
   come with a conditional answer.
4. Across documents the same order holds (forbid overrides, as in Cedar);
   a document whose rules are all silent adds nothing; if all are silent,
   or a governing document has no version in force, the answer is unknown
   unless a prohibition in force decides it anyway (case by case, when it
   turns on facts not given).
5. An excerpt's silence is not the text's: an excerpt silent on the action
   is a gap (:func:`excerpt_gap`), like a document with no version in
   force, unless each silent rule says why the excerpt is complete on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tos_kb.answer.decision import Citation
from tos_kb.records import conditions as cond
from tos_kb.records.vocab import RuleVerdict, Verdict

# A document's own outcome: a rule verdict, with SILENT meaning "adds nothing".
_RANK = {
    RuleVerdict.SILENT: 0,
    RuleVerdict.PERMITTED: 1,
    RuleVerdict.CONDITIONAL: 2,
    RuleVerdict.PROHIBITED: 3,
}


@dataclass(frozen=True)
class CompiledRule:
    """A rule as the engine needs it: plain data, its parsed condition, its citation."""

    verdict: RuleVerdict
    when: cond.Condition | None
    obligations: tuple[str, ...]
    condition: str | None
    note: str | None
    quote: str | None
    citation: Citation
    when_text: str | None = None  # the condition in words (tos_kb.records.wording)
    see: tuple[Citation, ...] = ()  # further quotes (a referenced clause, a definition)
    complete: str | None = None  # silent in an excerpt: why its silence is the text's

    @property
    def cited(self) -> tuple[Citation, ...]:
        """Its own citation, then its further quotes: what an answer resting on it cites."""
        return (self.citation, *self.see)


@dataclass(frozen=True)
class CompiledPrecondition:
    """A precondition with its parsed condition, the actions it covers, and its citation."""

    unless: cond.Condition
    actions: frozenset[str] | None
    citation: Citation
    unless_text: str = ""  # the condition in words (tos_kb.records.wording)
    see: tuple[Citation, ...] = ()

    @property
    def cited(self) -> tuple[Citation, ...]:
        """Its own citation, then its further quotes."""
        return (self.citation, *self.see)


@dataclass
class Outcome:
    """What one version says of one action under the facts given."""

    verdict: RuleVerdict
    citations: list[Citation] = field(default_factory=list)
    obligations: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Silent: why an excerpt's silence is the text's, one per silent rule; empty unless every
    # silent rule that (may) apply says so.
    complete: list[str] = field(default_factory=list)


def _add_unique(target: list[str], items: Iterable[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _cite(items: Iterable[CompiledRule]) -> list[Citation]:
    """The rules' citations in order, each followed by its further quotes, each cited once."""
    return list(dict.fromkeys(c for item in items for c in item.cited))


def evaluate_version(
    rules: list[CompiledRule], preconditions: list[CompiledPrecondition], facts: Mapping[str, Any]
) -> Outcome:
    """Apply one version's rules and preconditions for one action (already selected)."""
    applies: dict[RuleVerdict, list[CompiledRule]] = {}
    maybe: dict[RuleVerdict, list[CompiledRule]] = {}
    for compiled in rules:
        truth = True if compiled.when is None else compiled.when.evaluate(facts)
        if truth is True:
            applies.setdefault(compiled.verdict, []).append(compiled)
        elif truth is None:
            maybe.setdefault(compiled.verdict, []).append(compiled)

    outcome = _from_rules(applies, maybe, facts)
    speaks = any(c.verdict != RuleVerdict.SILENT for c in rules)
    for pre in preconditions:
        truth = pre.unless.evaluate(facts)
        if truth is False and speaks:
            # Rights are withheld; an action the licence does not speak to needs none of them.
            outcome = Outcome(
                RuleVerdict.PROHIBITED,
                list(pre.cited),
                notes=[f"rights withheld: {pre.unless_text} does not hold"],
            )
            break
        if truth is None and outcome.verdict in (RuleVerdict.PERMITTED, RuleVerdict.CONDITIONAL):
            outcome.verdict = RuleVerdict.CONDITIONAL
            outcome.citations.extend(pre.cited)
            _add_unique(outcome.missing, cond.missing_facts(pre.unless, facts))
            _add_unique(outcome.conditions, [f"rights are withheld unless {pre.unless_text}"])
    return outcome


def _from_rules(
    applies: dict[RuleVerdict, list[CompiledRule]],
    maybe: dict[RuleVerdict, list[CompiledRule]],
    facts: Mapping[str, Any],
) -> Outcome:
    if RuleVerdict.PROHIBITED in applies:
        return Outcome(RuleVerdict.PROHIBITED, _cite(applies[RuleVerdict.PROHIBITED]))
    open_rules = [
        *maybe.get(RuleVerdict.PROHIBITED, []),
        *applies.get(RuleVerdict.CONDITIONAL, []),
        *maybe.get(RuleVerdict.CONDITIONAL, []),
    ]
    if open_rules:
        outcome = Outcome(RuleVerdict.CONDITIONAL, _cite(open_rules))
        for c in open_rules:
            if c.when is not None:
                _add_unique(outcome.missing, cond.missing_facts(c.when, facts))
                if c.verdict == RuleVerdict.PROHIBITED:
                    _add_unique(outcome.conditions, [f"prohibited if {c.when_text}"])
            if c.condition:
                _add_unique(outcome.conditions, [c.condition])
        permits = [*applies.get(RuleVerdict.PERMITTED, []), *maybe.get(RuleVerdict.PERMITTED, [])]
        # The clauses on the permitting side decide too: cite them after the open ones.
        outcome.citations += _cite(permits)
        for c in [
            *permits,
            *applies.get(RuleVerdict.CONDITIONAL, []),
            *maybe.get(RuleVerdict.CONDITIONAL, []),
        ]:
            _add_unique(outcome.obligations, c.obligations)
        return outcome
    if RuleVerdict.PERMITTED in applies:
        permitted = applies[RuleVerdict.PERMITTED]
        outcome = Outcome(RuleVerdict.PERMITTED, _cite(permitted))
        for c in permitted:
            _add_unique(outcome.obligations, c.obligations)
        return outcome
    if RuleVerdict.PERMITTED in maybe:
        permitted = maybe[RuleVerdict.PERMITTED]
        outcome = Outcome(RuleVerdict.CONDITIONAL, _cite(permitted))
        for c in permitted:
            assert c.when is not None
            _add_unique(outcome.missing, cond.missing_facts(c.when, facts))
            _add_unique(outcome.conditions, [f"permitted if {c.when_text}"])
            _add_unique(outcome.obligations, c.obligations)
        return outcome
    silent = applies.get(RuleVerdict.SILENT, []) + maybe.get(RuleVerdict.SILENT, [])
    complete = [c.complete for c in silent if c.complete]
    return Outcome(
        RuleVerdict.SILENT,
        _cite(silent),
        notes=[c.note for c in silent if c.note],
        complete=complete if silent and len(complete) == len(silent) else [],
    )


def excerpt_gap(outcome: Outcome, coverage: str | None) -> bool:
    """Whether a version's outcome is a gap: an excerpt silent on the action.

    Why: the silence of an excerpt says only that the parts shown do not speak
    to the action; the full text may. Only a silence every one of whose rules
    says why the excerpt is complete on the action (``excerpt_complete``) is
    the text's own silence, which adds nothing.
    """
    return coverage == "excerpt" and outcome.verdict == RuleVerdict.SILENT and not outcome.complete


def combine(outcomes: list[Outcome]) -> RuleVerdict:
    """The strongest verdict among documents: prohibited > conditional > permitted > silent."""
    best = RuleVerdict.SILENT
    for outcome in outcomes:
        if _RANK[outcome.verdict] > _RANK[best]:
            best = outcome.verdict
    return best


def to_verdict(verdict: RuleVerdict) -> Verdict:
    """A combined rule verdict as a decision verdict (silence is unknown, never permission)."""
    return Verdict.UNKNOWN if verdict == RuleVerdict.SILENT else Verdict(verdict.value)
