"""The knowledge base: an index built once, and point-in-time questions against it.

Why an index: questions are answered often and fast (a few microseconds
each), so everything that does not depend on the question — name
resolution, each document's timeline, each version's rules per action with
parent actions resolved — is computed once at load. Texts are not read
until someone asks for one.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import conditions as cond
from .cache import fingerprint
from .cache import read as read_cache
from .cache import write as write_cache
from .changes import ChangeEvent, VersionDiff, all_changes, diff_versions, filter_changes
from .decision import Branch, Citation, Decision
from .engine import (
    CompiledPrecondition,
    CompiledRule,
    Outcome,
    combine,
    evaluate_version,
    to_verdict,
)
from .factspace import relevant_values
from .problems import KnowledgeBaseError, did_you_mean
from .timeline import DocumentTimeline, Placed
from .vocab import FactSpec, FactType, RuleVerdict, Verdict

if TYPE_CHECKING:
    from .loader import Archive, VersionEntry
    from .models import Governance, Subject, VersionRecord


class UnknownNameError(ValueError):
    """A subject, action, fact or version name the knowledge base does not know."""


class FactValueError(ValueError):
    """A fact given with a value of the wrong type."""


def _unknown(what: str, name: str, valid: Iterable[str]) -> UnknownNameError:
    valid = sorted(valid)
    hint = did_you_mean(name, valid)
    return UnknownNameError(
        f"unknown {what} {name!r}"
        + (f"; {hint}" if hint else "")
        + f" Valid {what}s: {', '.join(valid)}"
    )


def parse_on(on: date | str) -> date:
    """A question's date from a ``date``/``datetime`` or an ISO ``YYYY-MM-DD`` string."""
    if isinstance(on, datetime):
        return on.date()
    if isinstance(on, date):
        return on
    try:
        return date.fromisoformat(str(on))
    except ValueError:
        raise ValueError(f"'on' must be a date written YYYY-MM-DD, found {on!r}") from None


@dataclass(frozen=True)
class CompiledVersion:
    """A version's rules indexed by action, with parents already resolved."""

    key: str
    rules: dict[str, list[CompiledRule]]
    preconditions: dict[str, list[CompiledPrecondition]]
    static: dict[str, Outcome]  # actions whose answer does not depend on any fact

    def outcome(self, action: str, facts: Mapping[str, Any]) -> Outcome:
        """What this version says of ``action`` (shared object for fact-free answers)."""
        found = self.static.get(action)
        if found is not None:
            return found
        return evaluate_version(
            self.rules.get(action, []), self.preconditions.get(action, []), facts
        )


@dataclass(frozen=True)
class CompiledGovernance:
    """One governing document of a subject, with its timeline."""

    document: str
    role: str
    from_: date
    until: date | None
    when: cond.Condition | None
    timeline: DocumentTimeline
    caveat: str | None


class KnowledgeBase:
    """A loaded knowledge base. Build it with ``tos_kb.load()``."""

    def __init__(self, archive: Archive):
        self._archive: Archive | None = archive
        self.root = archive.root
        self._parents: dict[str, str | None] = {a.id: a.parent for a in archive.actions.values()}
        self._fact_specs: dict[str, FactSpec] = {
            f.id: FactSpec(f.id, f.type, tuple(f.values) if f.values else None)
            for f in archive.facts.values()
        }
        self._subject_ids = sorted(archive.subjects)
        self._names: dict[str, str] = {}
        for subject in archive.subjects.values():
            self._names[subject.id] = subject.id
            for alias in subject.aliases:
                self._names.setdefault(alias, subject.id)
        for provider in archive.providers.values():
            if provider.main_subject:
                self._names.setdefault(provider.id, provider.main_subject)
        self._versions: dict[str, CompiledVersion] = {}
        self._timelines: dict[str, DocumentTimeline] = {}
        self._coverage: dict[str, str] = {}
        for doc_id, entries in archive.versions.items():
            for entry in entries:
                self._versions[entry.key] = self._compile(entry)
                self._coverage[entry.key] = entry.record.coverage
            self._timelines[doc_id] = DocumentTimeline([(e.key, e.record) for e in entries])
        self._changes: list[ChangeEvent] | None = None
        self._governance: dict[str, list[CompiledGovernance]] = {
            subject.id: [self._compile_governance(subject.id, g) for g in subject.governed_by]
            for subject in archive.subjects.values()
        }

    @property
    def archive(self) -> Archive:
        """The parsed records (read again from ``terms/`` after a cached load, on first use)."""
        if self._archive is None:
            from .loader import load_archive
            from .validate import check_structure

            archive = load_archive(self.root)
            check_structure(archive)
            self._archive = archive
        return self._archive

    def __getstate__(self) -> dict[str, Any]:
        """What the cache keeps: the compiled index, not the parsed records."""
        state = self.__dict__.copy()
        state["_archive"] = None
        state["_changes"] = None
        return state

    # --- compilation ---------------------------------------------------------------

    def _compile_governance(self, subject_id: str, gov: Governance) -> CompiledGovernance:
        caveat = (
            f"{gov.document} governs {subject_id} from {gov.from_}: {gov.uncertainty}"
            if gov.uncertainty
            else None
        )
        timeline = self._timelines.get(gov.document, DocumentTimeline([]))
        return CompiledGovernance(
            gov.document, gov.role, gov.from_, gov.until, gov.parsed_when, timeline, caveat
        )

    def _ancestry(self, action: str) -> list[str]:
        chain: list[str] = []
        current: str | None = action
        while current is not None and current not in chain and current in self._parents:
            chain.append(current)
            current = self._parents[current]
        return chain

    def _compile(self, entry: VersionEntry) -> CompiledVersion:
        record = entry.record
        own: dict[str, list[CompiledRule]] = {}
        for rule in record.rules:
            citation = Citation(
                document=record.document,
                version=record.version,
                section=rule.section,
                quote=rule.quote,
                source_url=record.source_url,
                verdict=rule.verdict.value,
                action=rule.action,
                quote_file=rule.quote_file,
                note=rule.note,
                condition=rule.parsed_when.describe() if rule.parsed_when else None,
            )
            own.setdefault(rule.action, []).append(
                CompiledRule(
                    rule.verdict,
                    rule.parsed_when,
                    tuple(rule.obligations),
                    rule.condition,
                    rule.note,
                    rule.quote,
                    citation,
                )
            )
        rules: dict[str, list[CompiledRule]] = {}
        preconditions: dict[str, list[CompiledPrecondition]] = {}
        compiled_pre = [
            CompiledPrecondition(
                pre.parsed_unless,
                frozenset(pre.actions) if pre.actions else None,
                Citation(
                    document=record.document,
                    version=record.version,
                    section=pre.section,
                    quote=pre.quote,
                    source_url=record.source_url,
                    verdict="precondition",
                    action=",".join(pre.actions or ["*"]),
                    kind="precondition",
                    quote_file=pre.quote_file,
                    note=pre.note,
                    condition=f"unless {pre.parsed_unless.describe()}",
                ),
            )
            for pre in record.preconditions
        ]
        for action in self._parents:
            chain = self._ancestry(action)
            for candidate in chain:
                if candidate in own:
                    rules[action] = own[candidate]
                    break
            preconditions[action] = [
                p for p in compiled_pre if p.actions is None or p.actions.intersection(chain)
            ]
        static = {
            action: evaluate_version(found, [], {})
            for action, found in rules.items()
            if not preconditions[action] and all(r.when is None for r in found)
        }
        return CompiledVersion(entry.key, rules, preconditions, static)

    # --- names ---------------------------------------------------------------------------

    def resolve_subject(self, name: str) -> str:
        """The subject id that ``name`` (an id, alias or provider id) means."""
        try:
            return self._names[name]
        except KeyError:
            raise _unknown("subject", name, self._subject_ids) from None

    def _check_action(self, action: str) -> None:
        if action not in self._parents:
            raise _unknown("action", action, self._parents)

    def _check_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        for name, value in facts.items():
            definition = self._fact_specs.get(name)
            if definition is None:
                raise _unknown("fact", name, self._fact_specs)
            if value is None:
                continue
            kind = definition.type
            if kind == FactType.BOOLEAN and not isinstance(value, bool):
                raise FactValueError(f"fact {name!r} takes true or false, found {value!r}")
            if kind == FactType.INTEGER:
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                if isinstance(value, bool) or not isinstance(value, int):
                    raise FactValueError(f"fact {name!r} takes a whole number, found {value!r}")
            if kind == FactType.ENUM and value not in (definition.values or []):
                raise FactValueError(
                    f"fact {name!r} takes one of "
                    f"{', '.join(definition.values or [])}; found {value!r}"
                )
            if kind == FactType.STRING:
                if not isinstance(value, str):
                    raise FactValueError(f"fact {name!r} takes text, found {value!r}")
                if name == "student":
                    value = self._names.get(value, value)
            clean[name] = value
        return clean

    # --- questions ------------------------------------------------------------------------

    def ask(self, subject: str, action: str, on: date | str, **facts: Any) -> Decision:
        """Was ``action`` permitted with ``subject`` on day ``on``, given ``facts``?"""
        return self._ask(subject, action, on, facts)

    def _ask(
        self,
        subject: str,
        action: str,
        on: date | str,
        facts: Mapping[str, Any],
    ) -> Decision:
        subject_id = self.resolve_subject(subject)
        self._check_action(action)
        day = parse_on(on)
        given = self._check_facts(facts)
        decision = self._decide(subject_id, action, day, given)
        if decision.verdict == Verdict.CONDITIONAL:
            choices = self._choices(subject_id, action, day, decision.missing_facts)
            decision, tried = self._settle(subject_id, action, day, given, decision, choices)
            if decision.verdict == Verdict.CONDITIONAL and tried:
                # Every combination was tried: keep only the facts that change the answer,
                # and give each case the answer all its combinations share.
                relevant = _relevant(decision.missing_facts, tried)
                decision.missing_facts = relevant
                choices = [c for c in choices if c[0][0] in relevant]
            if decision.verdict == Verdict.CONDITIONAL and choices:
                shown = [c[0][0] for c in choices[:2]]
                if not tried:
                    tried = self._assume(subject_id, action, day, given, choices[:2])
                decision.branches = _cases(shown, choices[:2], tried)
        return decision

    def _decide(self, subject_id: str, action: str, day: date, facts: dict[str, Any]) -> Decision:
        decision = Decision(
            subject=subject_id, action=action, on=day, facts=dict(facts), verdict=Verdict.UNKNOWN
        )
        outcomes: list[tuple[CompiledGovernance, Placed, Outcome, cond.Truth]] = []
        gaps: list[str] = []
        for compiled in self._governance[subject_id]:
            gov = compiled
            if day < gov.from_ or (gov.until is not None and day >= gov.until):
                continue
            scope: cond.Truth = True
            if compiled.when is not None:
                scope = compiled.when.evaluate(facts)
                if scope is False:
                    continue
            if compiled.caveat:
                decision.caveats.append(compiled.caveat)
            placed = compiled.timeline.at(day)
            if placed is None:
                if scope is True:
                    gaps.append(gov.document)
                decision.reasons.append(
                    f"{gov.document} governs {subject_id} on {day}"
                    + (f" if {compiled.when.describe()}" if compiled.when and not scope else "")
                    + " but no version of it in force then is archived"
                    + self._either_side(compiled.timeline, day, action, facts)
                )
                continue
            version = self._versions[placed.key]
            decision.consulted.append(placed.key)
            if placed.start.caveat:
                decision.caveats.append(placed.start.caveat)
            outcome = version.outcome(action, facts)
            if scope is None and outcome.verdict != RuleVerdict.SILENT:
                assert compiled.when is not None
                outcome = _scope_conditional(outcome, compiled.when, gov.document, facts)
            outcomes.append((compiled, placed, outcome, scope))
        if not outcomes and not gaps:
            decision.reasons.append(f"no document governs {subject_id} on {day} in this archive")
            return decision
        verdict = combine([o for _, _, o, _ in outcomes])
        for compiled, placed, outcome, _ in outcomes:
            label = outcome.verdict.value if outcome.verdict != RuleVerdict.SILENT else "silent"
            decision.reasons.append(
                f"{placed.key} ({compiled.role}): {label}"
                + (f" — {outcome.notes[0]}" if outcome.notes else "")
            )
        if gaps and verdict != RuleVerdict.PROHIBITED:
            decision.verdict = Verdict.UNKNOWN
            decision.reasons.append(
                "unknown: a governing document has no archived version in force on that date"
            )
            return decision
        decision.verdict = to_verdict(verdict)
        if verdict == RuleVerdict.SILENT:
            decision.reasons.append(
                "unknown: the governing documents in force are silent on "
                "this action, and silence is not permission"
            )
            return decision
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
        return decision

    def _either_side(
        self, timeline: DocumentTimeline, day: date, action: str, facts: dict[str, Any]
    ) -> str:
        """What the archived versions just before and after a gap say (context, not an answer)."""
        before = [p for p in timeline.placed if p.interval.start <= day]
        after = [p for p in timeline.placed if p.interval.start > day]
        sides = [p for p in (before[-1] if before else None, after[0] if after else None) if p]
        if not sides:
            return ""
        said = ", ".join(
            f"{p.key} {self._versions[p.key].outcome(action, facts).verdict.value}" for p in sides
        )
        return f"; the archived versions on either side say: {said}"

    def _choices(
        self, subject_id: str, action: str, day: date, missing: list[str]
    ) -> list[list[tuple[str, Any, str]]]:
        """For each missing fact, the values that can change the answer, with labels."""
        mentioned = self.conditions_for(subject_id, action, day)
        return [
            [
                (name, value, label)
                for value, label in relevant_values(self._fact_specs[name], name, mentioned)
            ]
            for name in missing
        ]

    def _assume(
        self,
        subject_id: str,
        action: str,
        day: date,
        facts: dict[str, Any],
        choices: list[list[tuple[str, Any, str]]],
    ) -> list[tuple[Combo, Decision]]:
        """Decisions for every combination of the given fact values."""
        results: list[tuple[Combo, Decision]] = []
        for combo in itertools.islice(itertools.product(*choices), MAX_BRANCHES):
            assumed = dict(facts)
            assumed.update({name: value for name, value, _ in combo})
            results.append((combo, self._decide(subject_id, action, day, assumed)))
        return results

    def _settle(
        self,
        subject_id: str,
        action: str,
        day: date,
        facts: dict[str, Any],
        decision: Decision,
        choices: list[list[tuple[str, Any, str]]],
    ) -> tuple[Decision, list[tuple[Combo, Decision]]]:
        """A conditional answer whose every branch agrees is no longer conditional.

        Conditions only compare facts with a few constants, so trying each relevant
        value of every missing fact is exhaustive: if all give the same verdict and
        duties, the missing facts do not matter and the answer is that verdict.
        """
        total = 1
        for values in choices:
            total *= len(values)
        if not choices or total > MAX_BRANCHES:
            return decision, []
        outcomes = self._assume(subject_id, action, day, facts, choices)
        verdicts = {(d.verdict, tuple(d.obligations)) for _, d in outcomes}
        if len(verdicts) != 1:
            return decision, outcomes
        ((verdict, _),) = verdicts
        if verdict in (Verdict.CONDITIONAL, Verdict.UNKNOWN):
            return decision, outcomes
        settled = outcomes[0][1]
        settled.facts = dict(facts)
        for _, other in outcomes[1:]:
            _merge_citations(settled.citations, other.citations)
        settled.reasons.append(
            f"{verdict.value} whatever the value of {', '.join(decision.missing_facts)}: "
            "every case was checked"
        )
        return settled, []

    def history(self, subject: str, action: str, **facts: Any) -> list[Period]:
        """The answer over the whole timeline: one period per stretch with the same answer.

        Answers can only change on a day some governing range or version starts or ends,
        so the question is asked once per such day and equal neighbours are merged.
        """
        subject_id = self.resolve_subject(subject)
        self._check_action(action)
        days: set[date] = set()
        for compiled in self._governance[subject_id]:
            days.add(compiled.from_)
            if compiled.until is not None:
                days.add(compiled.until)
            for placed in compiled.timeline.placed:
                for day in (placed.interval.start, placed.interval.end):
                    if (
                        day is not None
                        and compiled.from_ <= day
                        and (compiled.until is None or day < compiled.until)
                    ):
                        days.add(day)
        periods: list[Period] = []
        ordered = sorted(days)
        for i, day in enumerate(ordered):
            decision = self.ask(subject_id, action, on=day, **facts)
            end = ordered[i + 1] if i + 1 < len(ordered) else None
            previous = periods[-1] if periods else None
            if previous is not None and _same_answer(previous.decision, decision):
                periods[-1] = Period(previous.start, end, previous.decision)
            else:
                periods.append(Period(day, end, decision))
        return periods

    def conditions_for(
        self, subject: str, action: str, day: date | None = None
    ) -> list[cond.Condition]:
        """Every condition that can bear on (subject, action), optionally on one day."""
        subject_id = self.resolve_subject(subject)
        found: list[cond.Condition] = []
        for compiled in self._governance[subject_id]:
            if compiled.when is not None:
                found.append(compiled.when)
            placed_list = (
                [compiled.timeline.at(day)] if day is not None else compiled.timeline.placed
            )
            for placed in placed_list:
                if placed is None:
                    continue
                version = self._versions[placed.key]
                found += [r.when for r in version.rules.get(action, []) if r.when is not None]
                found += [p.unless for p in version.preconditions.get(action, [])]
        return found

    # --- changes ------------------------------------------------------------------------

    def diff(
        self,
        old: str,
        new: str | date | None = None,
        on_new: date | str | None = None,
        *,
        with_text: bool = True,
    ) -> VersionDiff:
        """What changed between two versions: text, rules per action (with witnesses), quotes.

        ``kb.diff("doc@v1", "doc@v2")`` or, by dates, ``kb.diff("doc", "2023-06-01",
        "2024-06-01")`` (the versions in force on those days). The two versions may belong
        to different documents (a licence and its successor).
        """
        if "@" not in old:
            if new is None or on_new is None:
                raise ValueError("diff(document, date1, date2) needs two dates")
            old_key, new_key = (self._in_force(old, parse_on(d)) for d in (new, on_new))
        else:
            if not isinstance(new, str) or "@" not in new:
                raise ValueError("diff(old, new) takes two provider/document@version ids")
            old_key, new_key = old, new
        return diff_versions(self, old_key, new_key, with_text=with_text)

    def _in_force(self, document: str, day: date) -> str:
        placed = self.timeline(document).at(day)
        if placed is None:
            raise ValueError(f"no version of {document} is in force on {day}")
        return placed.key

    def changes(
        self,
        *,
        subject: str | None = None,
        document: str | None = None,
        action: str | None = None,
        direction: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
    ) -> list[ChangeEvent]:
        """The timeline of tightenings, loosenings and rewordings, filtered, oldest first."""
        if self._changes is None:
            self._changes = all_changes(self)
        if action is not None:
            self._check_action(action)
        return filter_changes(
            self._changes,
            self,
            subject=subject,
            document=document,
            action=action,
            direction=direction,
            since=parse_on(since) if since else None,
            until=parse_on(until) if until else None,
        )

    # --- browsing ------------------------------------------------------------------------

    def versions(self, document: str | None = None) -> list[VersionRecord]:
        """Every archived version (of one document if named), in document and date order."""
        if document is not None and document not in self.archive.versions:
            raise _unknown("document", document, self.archive.versions)
        docs = [document] if document else sorted(self.archive.versions)
        entries = {e.key: e for doc in docs for e in self.archive.versions[doc]}
        return [entries[p.key].record for doc in docs for p in self._timelines[doc].placed] + [
            entries[k].record for doc in docs for k in self._timelines[doc].undated
        ]

    def version(self, key: str) -> VersionEntry:
        """A version by ``provider/document@version`` (its text is read on demand)."""
        if key not in self._versions:
            raise _unknown("version", key, self._versions)
        document = key.split("@", 1)[0]
        return next(e for e in self.archive.versions[document] if e.key == key)

    def timeline(self, document: str) -> DocumentTimeline:
        """A document's versions placed on the calendar."""
        if document not in self._timelines:
            raise _unknown("document", document, self._timelines)
        return self._timelines[document]

    def subjects(self) -> list[Subject]:
        """Every subject, by id."""
        return [self.archive.subjects[k] for k in sorted(self.archive.subjects)]

    def subject(self, name: str) -> Subject:
        """A subject by id or alias."""
        return self.archive.subjects[self.resolve_subject(name)]

    @property
    def actions(self) -> dict[str, Any]:
        """The action vocabulary, by id."""
        return dict(self.archive.actions)

    @property
    def facts(self) -> dict[str, Any]:
        """The fact vocabulary, by id."""
        return dict(self.archive.facts)

    @property
    def documents(self) -> dict[str, Any]:
        """Every document, by id."""
        return dict(self.archive.documents)


Combo = tuple[tuple[str, Any, str], ...]  # (fact, value, label) for each assumed fact


def _answer(decision: Decision) -> tuple[Verdict, tuple[str, ...]]:
    return decision.verdict, tuple(decision.obligations)


def _relevant(missing: list[str], tried: list[tuple[Combo, Decision]]) -> list[str]:
    """The missing facts whose value changes the answer when the others are held fixed."""
    relevant = []
    for index, name in enumerate(missing):
        answers: dict[tuple[Any, ...], set[tuple[Verdict, tuple[str, ...]]]] = {}
        for combo, decision in tried:
            others = tuple(value for i, (_, value, _) in enumerate(combo) if i != index)
            answers.setdefault(others, set()).add(_answer(decision))
        if any(len(found) > 1 for found in answers.values()):
            relevant.append(name)
    return relevant


def _cases(
    shown: list[str], choices: list[list[tuple[str, Any, str]]], tried: list[tuple[Combo, Decision]]
) -> list[Branch]:
    """One case per combination of the shown facts: the answer every matching try shares."""
    cases = []
    for combo in itertools.product(*choices):
        wanted = {name: value for name, value, _ in combo}
        found = {
            _answer(d)
            for c, d in tried
            if all(wanted[name] == value for name, value, _ in c if name in wanted)
        }
        label = " and ".join(text for _, _, text in combo)
        if len(found) == 1:
            ((verdict, duties),) = found
            cases.append(Branch(label, verdict, duties))
        else:
            cases.append(Branch(label, Verdict.CONDITIONAL, ()))
    return cases


@dataclass(frozen=True)
class Period:
    """A stretch of days ``[start, end)`` over which the answer stays the same."""

    start: date
    end: date | None
    decision: Decision


def _same_answer(a: Decision, b: Decision) -> bool:
    return (a.verdict, a.obligations, a.missing_facts, [c.key for c in a.citations]) == (
        b.verdict,
        b.obligations,
        b.missing_facts,
        [c.key for c in b.citations],
    )


MAX_BRANCHES = 256


def _merge_citations(target: list[Citation], items: list[Citation]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _merge(target: list[str], items: list[str]) -> None:
    for item in items:
        if item not in target:
            target.append(item)


def _scope_conditional(
    outcome: Outcome, when: cond.Condition, document: str, facts: Mapping[str, Any]
) -> Outcome:
    """A document that governs only under facts not given makes its verdict conditional."""
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
        _merge(scoped.conditions, [f"prohibited by {document} if {when.describe()}"])
    elif scoped.verdict in (RuleVerdict.PERMITTED, RuleVerdict.CONDITIONAL):
        scoped.verdict = RuleVerdict.CONDITIONAL
        _merge(scoped.conditions, [f"{document} applies if {when.describe()}"])
    _merge(scoped.missing, cond.missing_facts(when, facts))
    return scoped


def default_terms_path() -> Path:
    """The ``terms/`` folder shipped with this checkout."""
    return Path(__file__).resolve().parent.parent / "terms"


def load(
    path: str | Path | None = None, *, rev: str | None = None, strict: bool = True
) -> KnowledgeBase:
    """Load a knowledge base: the shipped ``terms/``, a folder, or ``terms/`` at a git revision.

    With ``strict`` (the default) any problem in the records raises
    ``KnowledgeBaseError`` listing them all: answers from a broken archive
    would not be trustworthy.
    """
    if rev is not None:
        from .gitrev import checkout_terms

        path = checkout_terms(rev, path)
    root = Path(path) if path is not None else default_terms_path()
    key = fingerprint(root) if root.is_dir() else None
    if key is not None and strict:
        cached = read_cache(key)
        if cached is not None:
            return cached
    from .loader import load_archive
    from .validate import check_structure

    archive = load_archive(root)
    check_structure(archive)
    if strict and archive.problems:
        raise KnowledgeBaseError(archive.problems)
    kb = KnowledgeBase(archive)
    if key is not None and strict:
        write_cache(key, kb)
    return kb
