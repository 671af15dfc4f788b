"""The ask algorithm: a question against the compiled index, across every governing document.

This is the one answer procedure. ``ask`` (Python, CLI), ``history``, the
change timeline and the browser export all go through :func:`decide` and
:func:`ask`, so that every answer the project prints, and every witness of a
change, is one that ``ask`` reproduces. In order:

1. :func:`decide` asks each document governing the subject on that day (the
   half-open ranges of :class:`~tos_kb.answer.index.CompiledGovernance`) what
   its version in force says (:mod:`tos_kb.answer.evaluate`), and combines
   them: a prohibition wins over a condition, a condition over a permission;
   a gap in a governing document makes the answer unknown unless a
   prohibition in force decides it anyway (when that turns on facts not
   given, the answer is conditional and each case is tried); silence is
   never permission.
   An excerpt in force that is silent on the action is such a gap (we do
   not know what its full text says), unless its record says the excerpt is
   complete on the action (:func:`~tos_kb.answer.evaluate.excerpt_gap`).
2. :func:`ask` then settles a conditional answer whose every case agrees,
   keeps only the missing facts that change the answer, and lists the cases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple

from tos_kb.answer.decision import Branch, Citation, Decision
from tos_kb.answer.evaluate import Outcome, combine, excerpt_gap, to_verdict
from tos_kb.answer.factspace import relevant_values
from tos_kb.answer.index import CompiledGovernance, Index
from tos_kb.errors import InputError
from tos_kb.records import conditions as cond
from tos_kb.records.dates import parse_day
from tos_kb.records.timeline import DocumentTimeline, Placed
from tos_kb.records.vocab import RuleVerdict, Verdict

MAX_BRANCHES = 256
Combo = tuple[tuple[str, Any, str], ...]  # (fact, value, label) for each assumed fact
Choices = list[list[tuple[str, Any, str]]]


def parse_on(on: date | str) -> date:
    """A question's date: a ``date`` (or ``datetime``) or a ``YYYY-MM-DD`` string, nothing else."""
    if isinstance(on, datetime):
        return on.date()
    try:
        return parse_day(on)
    except InputError as exc:
        if "calendar" in str(exc):
            raise InputError(f"'on': {exc}") from None
        shown = repr(on) if len(repr(on)) <= 60 else repr(on)[:59] + "…"
        raise InputError(f"'on' must be a date written YYYY-MM-DD, found {shown}") from None


@dataclass(frozen=True)
class Period:
    """A stretch of days ``[start, end)`` over which the answer stays the same."""

    start: date
    end: date | None
    decision: Decision


def ask(
    index: Index, subject: str, action: str, on: date | str, facts: Mapping[str, Any]
) -> Decision:
    """Was ``action`` permitted with ``subject`` on day ``on``, given ``facts``?"""
    subject_id = index.resolve_subject(subject)
    index.check_action(action)
    day = parse_on(on)
    given, notes = index.read_facts(facts)
    decision = settle(index, subject_id, action, day, given)
    decision.reasons[:0] = notes  # how the question was read comes first
    return decision


def settle(
    index: Index, subject_id: str, action: str, day: date, given: dict[str, Any]
) -> Decision:
    """:func:`decide`, then settle or split a conditional answer into its cases.

    Settling tries every combination of the missing facts (up to
    :data:`MAX_BRANCHES` calls of :func:`decide`), so its result is remembered
    per subject, action, :meth:`Index.day_class` of the day and the given facts
    that matter (:meth:`Index.facts_that_matter`): every such question gets the
    same answer, word for word, except the day and the facts themselves, which
    are written into the copy handed out. An answer whose words name the day is
    not remembered.
    """
    decision = decide(index, subject_id, action, day, given)
    if decision.verdict != Verdict.CONDITIONAL:
        return decision
    try:
        matter = index.facts_that_matter(subject_id, action, day)
        key = (subject_id, action, index.day_class(subject_id, day), _facts_key(given, matter))
    except TypeError:  # an unhashable fact value: answer without remembering
        return _settle_conditional(index, subject_id, action, day, given, decision)
    found = index.settled.get(key)
    if found is not None:
        return _copy(found, day, given)
    decision = _settle_conditional(index, subject_id, action, day, given, decision)
    if not _names_day(decision, day):
        index.remember(key, _copy(decision, day, given))
    return decision


def _facts_key(given: dict[str, Any], matter: frozenset[str]) -> frozenset[tuple[str, type, Any]]:
    """The facts that matter as a key; each value's type too, so ``True`` and ``1`` stay apart."""
    return frozenset((name, type(value), value) for name, value in given.items() if name in matter)


def _copy(decision: Decision, day: date, given: dict[str, Any]) -> Decision:
    """A copy of a remembered decision for ``day`` and the facts ``given``: its own lists,
    the rest shared (frozen)."""
    return Decision(
        subject=decision.subject,
        action=decision.action,
        on=day,
        facts=dict(given),
        verdict=decision.verdict,
        citations=list(decision.citations),
        obligations=list(decision.obligations),
        missing_facts=list(decision.missing_facts),
        conditions=list(decision.conditions),
        caveats=list(decision.caveats),
        reasons=list(decision.reasons),
        consulted=list(decision.consulted),
        branches=list(decision.branches),
        release=decision.release,
        unknown_reason=decision.unknown_reason,
    )


def _names_day(decision: Decision, day: date) -> bool:
    """Whether any words of ``decision`` contain ``day`` (then they differ from day to day)."""
    text = day.isoformat()
    lines = [*decision.reasons, *decision.caveats, *decision.conditions]
    for branch in decision.branches:
        lines += [branch.assumption, *branch.conditions]
    return any(text in line for line in lines)


def _settle_conditional(
    index: Index,
    subject_id: str,
    action: str,
    day: date,
    given: dict[str, Any],
    decision: Decision,
) -> Decision:
    """Settle a conditional ``decision``, or split it into its cases."""
    choices = _choices(index, subject_id, action, day, decision.missing_facts)
    decision, tried = _settle(index, subject_id, action, day, given, decision, choices)
    if decision.verdict == Verdict.CONDITIONAL and tried:
        # Every combination was tried: keep only the facts that change the answer,
        # and give each case the answer all its combinations share.
        relevant = _relevant(decision.missing_facts, tried)
        decision.missing_facts = relevant
        choices = [c for c in choices if c[0][0] in relevant]
    if decision.verdict == Verdict.CONDITIONAL and choices:
        # Every combination was tried: the cases span the whole partition of the facts
        # that matter. Otherwise (too many) the first two facts are shown.
        shown = choices if tried else choices[:2]
        if not tried:
            tried = _assume(index, subject_id, action, day, given, shown)
        decision.branches = _cases(shown, tried)
    return decision


def history(index: Index, subject: str, action: str, facts: Mapping[str, Any]) -> list[Period]:
    """The answer over the whole timeline: one period per stretch with the same answer.

    Answers can only change on a day some governing range or version starts or
    ends (:meth:`Index.change_days`), so the question is asked once per such day
    and equal neighbours are merged.
    """
    subject_id = index.resolve_subject(subject)
    index.check_action(action)
    given, notes = index.read_facts(facts)
    periods: list[Period] = []
    ordered = index.change_days(subject_id)
    for i, day in enumerate(ordered):
        decision = settle(index, subject_id, action, day, given)
        decision.reasons[:0] = notes
        end = ordered[i + 1] if i + 1 < len(ordered) else None
        previous = periods[-1] if periods else None
        if previous is not None and same_answer(previous.decision, decision):
            periods[-1] = Period(previous.start, end, previous.decision)
        else:
            periods.append(Period(day, end, decision))
    return periods


Consulted = tuple[CompiledGovernance, Placed, Outcome, cond.Truth]


def decide(
    index: Index,
    subject_id: str,
    action: str,
    day: date,
    facts: dict[str, Any],
    words: bool = True,
) -> Decision:
    """The answer of every governing document combined, before any settling.

    Without ``words`` the caveats, gap reasons and unknown reason are left out: what
    :func:`_bare` keeps (verdict, duties, citations, conditions) does not read them, and
    settling asks one question per combination of missing facts."""
    decision = Decision(
        subject=subject_id, action=action, on=day, facts=dict(facts), verdict=Verdict.UNKNOWN
    )
    outcomes: list[Consulted] = []
    gaps: list[str] = []
    unshown: list[str] = []  # governing excerpts silent on the action: gaps too
    for gov in index.documents_on(subject_id, day):
        scope: cond.Truth = True if gov.when is None else gov.when.evaluate(facts)
        if scope is False:
            continue
        if gov.caveat and words:
            decision.caveats.append(gov.caveat)
        placed = gov.timeline.at(day)
        if placed is None:
            if scope is True:
                gaps.append(gov.document)
            if not words:
                continue
            decision.reasons.append(
                f"{gov.document} governs {subject_id} on {day}"
                + (f" if {gov.when_text}" if gov.when and not scope else "")
                + " but no version of it in force then is archived"
                + _either_side(index, gov.timeline, day, action, facts)
            )
            continue
        decision.consulted.append(placed.key)
        if words:
            if placed.start.caveat:
                decision.caveats.append(placed.start.caveat)
            version = index.versions[placed.key]
            decision.caveats.extend(version.caveats)
            decision.caveats.extend(index.unarchived_since(gov.document, placed, day))
            horizon = index.beyond_horizon(gov.document, day)
            if horizon:
                decision.caveats.append(horizon)
        outcome = index.outcome(placed.key, action, facts)
        if scope is None and outcome.verdict != RuleVerdict.SILENT:
            outcome = _scope_conditional(outcome, gov, facts)
        if scope is True and excerpt_gap(outcome, index.coverage.get(placed.key)):
            unshown.append(gov.document)
        outcomes.append((gov, placed, outcome, scope))
    if not outcomes and not gaps:
        decision.reasons.append(f"no document governs {subject_id} on {day} in this archive")
        decision.unknown_reason = "no-version-in-force"
        return decision
    _combine_into(decision, outcomes, gaps, unshown, words)
    if decision.verdict == Verdict.UNKNOWN and words:
        decision.unknown_reason = _why_unknown(index, day, outcomes, gaps)
    return decision


def _why_unknown(index: Index, day: date, outcomes: list[Consulted], gaps: list[str]) -> str:
    """Which of the three situations an unknown answer is (see decision.UNKNOWN_REASONS)."""
    if gaps:
        between = any(index.between_versions(document, day) for document in gaps)
        return "gap-between-versions" if between else "no-version-in-force"
    excerpts = any(excerpt_gap(o, index.coverage.get(placed.key)) for _, placed, o, _ in outcomes)
    return "excerpt-does-not-cover" if excerpts else "silent"


def _combine_into(
    decision: Decision,
    outcomes: list[Consulted],
    gaps: list[str],
    unshown: list[str],
    words: bool = True,
) -> None:
    """Forbid overrides across documents; gaps (``unshown``: silent excerpts too) and silence
    leave the answer unknown. Without ``words`` the per-document reasons are left out."""
    verdict = combine([o for _, _, o, _ in outcomes])
    for gov, placed, outcome, _ in outcomes if words else ():
        label = outcome.verdict.value if outcome.verdict != RuleVerdict.SILENT else "silent"
        decision.reasons.append(
            f"{placed.key} ({gov.role}): {label}"
            + (f" — {outcome.notes[0]}" if outcome.notes else "")
            + (f" — complete excerpt: {outcome.complete[0]}" if outcome.complete else "")
        )
    if (gaps or unshown) and verdict != RuleVerdict.PROHIBITED:
        why = ["a governing document has no archived version in force on that date"] * bool(gaps)
        if unshown:
            why.append(
                f"the archived excerpt of {', '.join(unshown)} in force does not show "
                "what its full text says of this action, and silence is not permission"
            )
        if not _may_be_prohibited(verdict, outcomes):
            decision.verdict = Verdict.UNKNOWN
            decision.reasons.extend(f"unknown: {line}" for line in why)
            return
        # Facts not given may make a prohibition apply: settling tries each case.
        decision.reasons.extend(f"unknown unless the facts make it prohibited: {w}" for w in why)
    decision.verdict = to_verdict(verdict)
    if verdict == RuleVerdict.SILENT:
        decision.reasons.append(
            "unknown: the governing documents in force are silent on "
            "this action, and silence is not permission"
        )
        return
    for _, _, outcome, _ in outcomes:
        if outcome.verdict == verdict:
            decision.citations.extend(outcome.citations)
            _merge(decision.missing_facts, outcome.missing)
            _merge(decision.conditions, outcome.conditions)
        if verdict != RuleVerdict.PROHIBITED and outcome.verdict in (
            RuleVerdict.PERMITTED,
            RuleVerdict.CONDITIONAL,
        ):
            _merge(decision.obligations, outcome.obligations)


def _may_be_prohibited(verdict: RuleVerdict, outcomes: list[Consulted]) -> bool:
    """Whether facts not given may still let a prohibition decide despite a gap: a
    conditional answer that turns on missing facts (its cases are then each tried)."""
    return verdict == RuleVerdict.CONDITIONAL and any(
        o.missing for _, _, o, _ in outcomes if o.verdict == RuleVerdict.CONDITIONAL
    )


def _either_side(
    index: Index, timeline: DocumentTimeline, day: date, action: str, facts: dict[str, Any]
) -> str:
    """What the archived versions just before and after a gap say (context, not an answer)."""
    before = [p for p in timeline.placed if p.interval.start <= day]
    after = [p for p in timeline.placed if p.interval.start > day]
    sides = [p for p in (before[-1] if before else None, after[0] if after else None) if p]
    if not sides:
        return ""
    said = ", ".join(
        f"{p.key} {index.versions[p.key].outcome(action, facts).verdict.value}" for p in sides
    )
    return f"; the archived versions on either side say: {said}"


def _choices(index: Index, subject_id: str, action: str, day: date, missing: list[str]) -> Choices:
    """For each missing fact, the values that can change the answer, with labels."""
    mentioned = index.conditions_for(subject_id, action, day)
    return [
        [
            (name, value, label)
            for value, label in relevant_values(index.fact_specs[name], name, mentioned)
        ]
        for name in missing
    ]


def _assume(
    index: Index,
    subject_id: str,
    action: str,
    day: date,
    facts: dict[str, Any],
    choices: Choices,
) -> list[tuple[Combo, Answered]]:
    """The answer to every combination of the given fact values: its verdict, duties,
    citations and conditions only (what settling and the cases read; no words).

    Those depend only on the :meth:`Index.basis` of the question and the facts it
    reads, so they are remembered by these, across subjects and days.
    """
    basis, read = index.basis(subject_id, action, day)
    results: list[tuple[Combo, Answered]] = []
    for combo in itertools.islice(itertools.product(*choices), MAX_BRANCHES):
        assumed = dict(facts)
        assumed.update({name: value for name, value, _ in combo})
        try:
            key = (basis, frozenset((n, type(v), v) for n, v in assumed.items() if n in read))
            found = index.assumed.get(key)
        except TypeError:  # an unhashable fact value: decide without remembering
            key, found = None, None
        if found is None:
            found = _bare(decide(index, subject_id, action, day, assumed, words=False))
            if key is not None:
                index.remember_assumed(key, found)
        results.append((combo, found))
    return results


class Answered(NamedTuple):
    """What a decision says that does not depend on the subject or the day (no words).

    A tuple of tuples, so that the many remembered ones cost the garbage collector
    little (tuples of strings are not tracked)."""

    verdict: Verdict
    obligations: tuple[str, ...]
    citations: tuple[Citation, ...]
    conditions: tuple[str, ...]


def _bare(decision: Decision) -> Answered:
    return Answered(
        decision.verdict,
        tuple(decision.obligations),
        tuple(decision.citations),
        tuple(decision.conditions),
    )


def _settle(
    index: Index,
    subject_id: str,
    action: str,
    day: date,
    facts: dict[str, Any],
    decision: Decision,
    choices: Choices,
) -> tuple[Decision, list[tuple[Combo, Answered]]]:
    """A conditional answer whose every branch agrees is no longer conditional (an answer
    unknown in every case, as when a gap leaves no prohibition to decide, is unknown).

    Conditions only compare facts with a few constants, so trying each relevant
    value of every missing fact is exhaustive: if all give the same verdict and
    duties, the missing facts do not matter and the answer is that verdict.
    """
    total = 1
    for values in choices:
        total *= len(values)
    if not choices or total > MAX_BRANCHES:
        return decision, []
    outcomes = _assume(index, subject_id, action, day, facts, choices)
    verdicts = {_answer(a) for _, a in outcomes}
    if len(verdicts) != 1:
        return decision, outcomes
    ((verdict, _),) = verdicts
    if verdict == Verdict.CONDITIONAL:
        return decision, outcomes
    first = dict(facts)
    first.update({name: value for name, value, _ in outcomes[0][0]})
    settled = decide(index, subject_id, action, day, first)  # the first case, in its words
    settled.facts = dict(facts)
    for _, other in outcomes[1:]:
        _merge_citations(settled.citations, other.citations)
    settled.reasons.append(
        f"{verdict.value} whatever the value of {', '.join(decision.missing_facts)}: "
        "every case was checked"
    )
    return settled, []


def _answer(decision: Answered) -> tuple[Verdict, tuple[str, ...]]:
    return decision.verdict, tuple(decision.obligations)


def _relevant(missing: list[str], tried: list[tuple[Combo, Answered]]) -> list[str]:
    """The missing facts whose value changes the answer when the others are held fixed."""
    rows = [(tuple(value for _, value, _ in combo), _answer(decision)) for combo, decision in tried]
    relevant = []
    for index, name in enumerate(missing):
        first: dict[tuple[Any, ...], tuple[Verdict, tuple[str, ...]]] = {}
        for values, answer in rows:
            if first.setdefault(values[:index] + values[index + 1 :], answer) != answer:
                relevant.append(name)  # two answers with the other facts the same
                break
    return relevant


def _cases(choices: Choices, tried: list[tuple[Combo, Answered]]) -> list[Branch]:
    """The answer case by case: a partition of every combination of the shown facts.

    A fact is split on only where its values give different answers, and values
    that lead to the same cases are grouped ("student is one of qwen-7b, qwen-14b"),
    so each case is as short as the terms allow. A case that stays conditional
    with the facts fixed turns on something outside them; it carries the
    conditions the record spells out for it.
    """
    rows = [
        ({name: value for name, value, _ in combo}, _answer(decision), decision)
        for combo, decision in tried
    ]
    return [
        Branch(" and ".join(labels) or "whatever the facts", verdict, duties, outside)
        for labels, verdict, duties, outside in _split(choices, rows)
    ]


Row = tuple[dict[str, Any], tuple[Verdict, tuple[str, ...]], Answered]  # facts, answer
Case = tuple[tuple[str, ...], Verdict, tuple[str, ...], tuple[str, ...]]


def _split(choices: Choices, rows: list[Row]) -> list[Case]:
    """The cases under ``rows``, split on the first fact (in order) whose values differ."""
    answers = {answer for _, answer, _ in rows}
    if len(answers) == 1:
        ((verdict, duties),) = answers
        outside: tuple[str, ...] = ()
        if verdict == Verdict.CONDITIONAL:
            outside = tuple(dict.fromkeys(c for _, _, d in rows for c in d.conditions))
        return [((), verdict, duties, outside)]
    for index, options in enumerate(choices):
        rest = choices[:index] + choices[index + 1 :]
        under = [
            (name, value, label, _split(rest, _with(rows, name, value)))
            for name, value, label in options
        ]
        if all(sub == under[0][3] for *_, sub in under):
            continue  # this fact changes nothing here
        return [
            ((label, *labels), verdict, duties, outside)
            for label, sub in _grouped(under)
            for labels, verdict, duties, outside in sub
        ]
    return [((), Verdict.CONDITIONAL, (), ())]


def _with(rows: list[Row], name: str, value: Any) -> list[Row]:
    return [row for row in rows if row[0].get(name, value) == value]


def _grouped(under: list[tuple[str, Any, str, list[Case]]]) -> list[tuple[str, list[Case]]]:
    """Values of one fact that lead to the same cases, as one labelled group, in order."""
    groups: list[tuple[list[tuple[str, Any, str]], list[Case]]] = []
    for name, value, label, sub in under:
        for members, cases in groups:
            if cases == sub:
                members.append((name, value, label))
                break
        else:
            groups.append(([(name, value, label)], sub))
    return [(_group_label(members), cases) for members, cases in groups]


def _group_label(members: list[tuple[str, Any, str]]) -> str:
    """One value's own label, or "student is one of a, b" for named values."""
    if len(members) == 1:
        return members[0][2]
    name = members[0][0]
    if all(label == f"{name} = {value}" for _, value, label in members):
        return f"{name} is one of {', '.join(str(value) for _, value, _ in members)}"
    return " or ".join(label for _, _, label in members)


def same_answer(a: Decision, b: Decision) -> bool:
    """Whether two decisions give the same answer: verdict, duties, open facts, clauses."""
    return (a.verdict, a.obligations, a.missing_facts, [c.key for c in a.citations]) == (
        b.verdict,
        b.obligations,
        b.missing_facts,
        [c.key for c in b.citations],
    )


def _merge_citations(target: list[Citation], items: Iterable[Citation]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _merge(target: list[str], items: list[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _scope_conditional(
    outcome: Outcome, gov: CompiledGovernance, facts: Mapping[str, Any]
) -> Outcome:
    """A document that governs only under facts not given makes its verdict conditional."""
    assert gov.when is not None
    document, when = gov.document, gov.when
    scoped = Outcome(
        outcome.verdict,
        list(outcome.citations),
        list(outcome.obligations),
        list(outcome.missing),
        list(outcome.conditions),
        list(outcome.notes),
    )
    if scoped.verdict == RuleVerdict.PROHIBITED:
        scoped.verdict = RuleVerdict.CONDITIONAL
        _merge(scoped.conditions, [f"prohibited by {document} if {gov.when_text}"])
    elif scoped.verdict in (RuleVerdict.PERMITTED, RuleVerdict.CONDITIONAL):
        scoped.verdict = RuleVerdict.CONDITIONAL
        _merge(scoped.conditions, [f"{document} applies if {gov.when_text}"])
    _merge(scoped.missing, cond.missing_facts(when, facts))
    return scoped
