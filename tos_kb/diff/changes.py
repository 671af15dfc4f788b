"""Diffs of versions and the timeline of changes across the knowledge base.

Why here and not in the engine: diffs are analysis *about* the rules. They
reuse the engine (each side answered exactly as ``ask`` would) and the
fact-space comparison of ``rulediff``, and add the text diff and where each
quote went.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tos_kb.answer.decide import decide
from tos_kb.answer.evaluate import evaluate_version
from tos_kb.answer.index import Index, unknown_name
from tos_kb.diff.quotes import QuoteMove, quote_moves
from tos_kb.diff.rules import ActionChange, Answer, Direction, compare, fact_space
from tos_kb.records.quotes import normalise

if TYPE_CHECKING:
    from tos_kb.diff.text import TextDiff
    from tos_kb.records.loader import Archive


@dataclass(slots=True)
class VersionDiff:
    """What changed between two versions: text, rules per action, and quotes."""

    old: str
    new: str
    text: TextDiff | None
    rules: list[ActionChange]
    quotes: list[QuoteMove] = field(default_factory=list)

    @property
    def direction(self) -> Direction:
        """The overall direction: mixed if actions moved both ways."""
        moved = {c.direction for c in self.rules} - {Direction.UNCHANGED, Direction.REWORDED}
        if Direction.MIXED in moved or {Direction.TIGHTENED, Direction.LOOSENED} <= moved:
            return Direction.MIXED
        if moved:
            return moved.pop()
        text_changed = self.text is not None and not self.text.is_empty
        reworded = any(c.direction == Direction.REWORDED for c in self.rules)
        return Direction.REWORDED if text_changed or reworded else Direction.UNCHANGED

    def changed_rules(self) -> list[ActionChange]:
        """The actions whose answers or wording changed."""
        return [c for c in self.rules if c.direction != Direction.UNCHANGED]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (the text diff included when there is one)."""
        from tos_kb.diff.render import to_json

        return {
            "old": self.old,
            "new": self.new,
            "direction": self.direction.value,
            "rules": [c.to_dict() for c in self.rules],
            "quotes": [q.to_dict() for q in self.quotes],
            "text": to_json(self.text) if self.text is not None else None,
        }


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One tightening, loosening, mixed change or rewording on the timeline."""

    on: date
    kind: str  # version | succession | governance
    old: str
    new: str
    action: str
    direction: Direction
    subject: str | None = None
    document: str | None = None
    tighter: str | None = None
    looser: str | None = None
    change: ActionChange | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "on": self.on.isoformat(),
            "kind": self.kind,
            "old": self.old,
            "new": self.new,
            "action": self.action,
            "direction": self.direction.value,
            "subject": self.subject,
            "document": self.document,
            "tighter": self.tighter,
            "looser": self.looser,
            "witnesses": self.change.to_dict() if self.change else None,
        }


# --- version against version ---------------------------------------------------------


def _answer_fn(index: Index, key: str, action: str) -> Callable[[dict[str, Any]], Answer]:
    version = index.versions[key]
    rules = version.rules.get(action, [])
    pre = version.preconditions.get(action, [])

    def answer(facts: dict[str, Any]) -> Answer:
        outcome = evaluate_version(rules, pre, facts)
        return Answer(outcome.verdict.value, tuple(outcome.obligations))

    return answer


def _wording(index: Index, key: str, action: str) -> list[tuple[Any, ...]]:
    return sorted(
        (
            r.verdict.value,
            normalise(r.quote or ""),
            repr(r.when),
            r.obligations,
        )
        for r in index.versions[key].rules.get(action, [])
    )


def rule_changes(
    index: Index, old: str, new: str, new_index: Index | None = None
) -> list[ActionChange]:
    """Every action's change from version ``old`` to version ``new``.

    ``new_index`` compares across two states of the archive (a version as it is
    recorded now against the same version at a git revision), for reviews.
    """
    other = new_index or index
    changes = []
    for action in index.parents:
        space = fact_space(
            index.fact_specs,
            [*index.versions[old].conditions(action), *other.versions[new].conditions(action)],
        )
        reworded = _wording(index, old, action) != _wording(other, new, action)
        changes.append(
            compare(
                space,
                _answer_fn(index, old, action),
                _answer_fn(other, new, action),
                action,
                reworded,
                old_gap=_excerpt_silence(index, old),
                new_gap=_excerpt_silence(other, new),
            )
        )
    return changes


def _excerpt_silence(index: Index, key: str) -> frozenset[str]:
    """An excerpt's silence may be a clause it does not show: not evidence of a change."""
    return frozenset({"silent"}) if index.coverage.get(key) == "excerpt" else frozenset()


def diff_versions(
    index: Index, archive: Archive, old: str, new: str, with_text: bool = True
) -> VersionDiff:
    """Text, rule and quote changes between two archived versions (any two documents)."""
    for key in (old, new):
        if key not in index.versions:
            raise unknown_name("version", key, index.versions)
    text = None
    if with_text:
        from tos_kb.diff.text import diff_texts

        text = diff_texts(archive.entry(old).read_text(), archive.entry(new).read_text())
    return VersionDiff(
        old, new, text, rule_changes(index, old, new), quote_moves(archive, old, new)
    )


# --- the timeline across the knowledge base ---------------------------------------------


def _governs(archive: Archive, document: str) -> bool:
    doc = archive.documents.get(document)
    kind = archive.kinds.get(doc.kind) if doc else None
    return bool(kind and kind.governs)


def _events_from(change_list: list[ActionChange], **common: Any) -> list[ChangeEvent]:
    events = []
    for change in change_list:
        if change.direction == Direction.UNCHANGED:
            continue
        events.append(
            ChangeEvent(
                action=change.action,
                direction=change.direction,
                tighter=change.tighter.describe() if change.tighter else None,
                looser=change.looser.describe() if change.looser else None,
                change=change,
                **common,
            )
        )
    return events


def _subject_events(index: Index, subject_id: str) -> list[ChangeEvent]:
    """Changes of governing documents for a subject (relicensing, new terms taking over)."""
    ranges = index.governance[subject_id]
    days = sorted(
        {g.interval.start for g in ranges} | {g.interval.end for g in ranges if g.interval.end}
    )
    events: list[ChangeEvent] = []
    first = min(g.interval.start for g in ranges) if ranges else None
    for day in days:
        if day == first:
            continue  # coverage begins: not a change of the terms
        before = day - timedelta(days=1)
        docs_before = _documents_on(index, subject_id, before)
        docs_after = _documents_on(index, subject_id, day)
        if docs_before == docs_after or not docs_before or not docs_after:
            continue
        old_label = " + ".join(sorted(docs_before))
        new_label = " + ".join(sorted(docs_after))
        for action in index.parents:
            conditions = [
                *index.conditions_for(subject_id, action, before),
                *index.conditions_for(subject_id, action, day),
            ]
            space = fact_space(index.fact_specs, conditions)

            def side(when: date, action: str = action) -> Callable[[dict[str, Any]], Answer]:
                def answer(facts: dict[str, Any]) -> Answer:
                    d = decide(index, subject_id, action, when, facts)
                    return Answer(d.verdict.value, tuple(d.obligations))

                return answer

            change = compare(
                space,
                side(before),
                side(day),
                action,
                False,
                old_gap=UNKNOWN_GAP,
                new_gap=UNKNOWN_GAP,
            )
            events += _events_from(
                [change],
                on=day,
                kind="governance",
                old=old_label,
                new=new_label,
                subject=subject_id,
            )
    return events


UNKNOWN_GAP = frozenset({"unknown"})  # no archived text or silence: not a change of terms


def _documents_on(index: Index, subject_id: str, day: date) -> frozenset[str]:
    return frozenset(g.document for g in index.documents_on(subject_id, day))


def all_changes(index: Index, archive: Archive) -> list[ChangeEvent]:
    """Every change event in the archive, oldest first (computed once per knowledge base)."""
    events: list[ChangeEvent] = []
    for doc_id in sorted(archive.documents):
        if not _governs(archive, doc_id):
            continue
        placed = index.timelines[doc_id].placed
        for older, newer in itertools.pairwise(placed):
            events += _events_from(
                rule_changes(index, older.key, newer.key),
                on=newer.interval.start,
                kind="version",
                old=older.key,
                new=newer.key,
                document=doc_id,
            )
    for doc_id, document in sorted(archive.documents.items()):
        if not document.succeeds or not _governs(archive, doc_id):
            continue
        before = index.timelines[document.succeeds].placed
        after = index.timelines[doc_id].placed
        if before and after:
            events += _events_from(
                rule_changes(index, before[-1].key, after[0].key),
                on=after[0].interval.start,
                kind="succession",
                old=before[-1].key,
                new=after[0].key,
                document=doc_id,
            )
    for subject_id in index.subject_ids:
        events += _subject_events(index, subject_id)
    events.sort(key=lambda e: (e.on, e.document or e.subject or "", e.action))
    return events


def _documents_of(event: ChangeEvent) -> set[str]:
    """The document ids an event compares (its sides are keys or ' + '-joined ids)."""
    return {part.split("@", 1)[0] for side in (event.old, event.new) for part in side.split(" + ")}


def filter_changes(
    events: list[ChangeEvent],
    index: Index,
    *,
    subject: str | None = None,
    document: str | None = None,
    action: str | None = None,
    direction: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[ChangeEvent]:
    """The events matching every filter given."""
    subject_id = index.resolve_subject(subject) if subject else None
    if direction is not None and direction not in {d.value for d in Direction}:
        raise ValueError(
            f"unknown direction {direction!r}; valid: " + ", ".join(d.value for d in Direction)
        )
    out = []
    for e in events:
        if document and e.document != document and document not in _documents_of(e):
            continue
        if action and e.action != action:
            continue
        if direction and e.direction.value != direction:
            continue
        if since and e.on < since:
            continue
        if until and e.on > until:
            continue
        if subject_id:
            if e.subject is not None:
                if e.subject != subject_id:
                    continue
            elif e.document not in _documents_on(index, subject_id, e.on):
                continue
        out.append(e)
    return out
