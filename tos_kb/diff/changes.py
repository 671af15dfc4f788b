"""Diffs of versions and the timeline of change events across the knowledge base.

Why here and not in the engine: diffs are analysis *about* the rules. They
reuse the engine and the fact-space comparison of :mod:`tos_kb.diff.rules`,
and add the text diff, where each quote went, and sentences in plain words.

Two kinds of comparison, never mixed:

* **A subject's answers** (``governance`` events: the documents governing a
  subject change) compare exactly what ``ask`` answers the day before and the
  day itself (:func:`tos_kb.answer.decide.settle`: every governing document,
  settling, the relevant-fact reduction, silence and gaps), so each witness
  is reproduced by ``kb.ask(subject, action, on=..., **witness.facts)``.
* **One document on its own** (``version`` and ``succession`` events): two
  versions' rules compared by themselves. Their summaries say so: other
  documents governing the same subject may decide the answer.

An event is one (day, subject) or (day, document) change, holding the
change of each action that moved.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tos_kb.answer.decide import settle
from tos_kb.answer.evaluate import evaluate_version
from tos_kb.answer.index import Index, unknown_name
from tos_kb.diff.quotes import QuoteMove, quote_moves
from tos_kb.diff.rules import (
    ActionChange,
    Answer,
    Direction,
    compare,
    fact_space,
    overall_direction,
)
from tos_kb.diff.summary import Span, action_summary, event_summary
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
        text_changed = self.text is not None and not self.text.is_empty
        return overall_direction((c.direction for c in self.rules), text_changed)

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
    """One change on one day: of a subject's answers, or of one document on its own.

    ``kind`` is ``governance`` (the documents governing ``subject`` changed),
    ``version`` (a new version of ``document``) or ``succession`` (``document``
    replaced the document it succeeds). ``actions`` holds each action's change.
    """

    on: date
    kind: str
    old: str
    new: str
    actions: tuple[ActionChange, ...]
    summary: str
    subject: str | None = None
    document: str | None = None

    @property
    def direction(self) -> Direction:
        """The direction of the whole event (mixed if actions moved both ways)."""
        return overall_direction(c.direction for c in self.actions)

    @property
    def scope(self) -> str:
        """``subject`` (answers as ``ask`` gives them) or ``document alone``."""
        return "subject" if self.subject is not None else "document alone"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "on": self.on.isoformat(),
            "subject": self.subject,
            "document": self.document,
            "kind": self.kind,
            "scope": self.scope,
            "old": self.old,
            "new": self.new,
            "direction": self.direction.value,
            "summary": self.summary,
            "actions": [c.to_dict() for c in self.actions],
        }


# --- version against version ---------------------------------------------------------


def _answer_fn(index: Index, key: str, action: str) -> Callable[[dict[str, Any]], Answer]:
    version = index.versions[key]
    rules = version.rules.get(action, [])
    pre = version.preconditions.get(action, [])

    def answer(facts: dict[str, Any]) -> Answer:
        outcome = evaluate_version(rules, pre, facts)
        return Answer(outcome.verdict.value, tuple(outcome.obligations), tuple(outcome.citations))

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
    index: Index,
    old: str,
    new: str,
    new_index: Index | None = None,
    span: Span | None = None,
) -> list[ActionChange]:
    """Every action's change from version ``old`` to version ``new``, each with its summary.

    ``new_index`` compares across two states of the archive (a version as it is
    recorded now against the same version at a git revision), for reviews.
    ``span`` names the sides in the summaries (by default, as two versions).
    """
    other = new_index or index
    changes = []
    words = span or Span.versions(old, new)
    provider = index.provider_name(new)
    for action in index.parents:
        space = fact_space(
            index.fact_specs,
            [*index.versions[old].conditions(action), *other.versions[new].conditions(action)],
        )
        reworded = _wording(index, old, action) != _wording(other, new, action)
        change = compare(
            space,
            _answer_fn(index, old, action),
            _answer_fn(other, new, action),
            action,
            reworded,
            old_gap=_excerpt_silence(index, old),
            new_gap=_excerpt_silence(other, new),
        )
        if change.direction != Direction.UNCHANGED:
            pair = (old, new) if new_index is None else None
            change.summary = action_summary(other, change, words, provider, pair)
        changes.append(change)
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


def _document_event(
    index: Index, kind: str, document: str, old: str, new: str, on: date
) -> ChangeEvent | None:
    """One document's versions compared on their own, as one event (None: nothing moved)."""
    moved = [
        c
        for c in rule_changes(index, old, new, span=Span.on(on))
        if c.direction != Direction.UNCHANGED
    ]
    if not moved:
        return None
    summary = event_summary(index, kind, on, old, new, moved)
    return ChangeEvent(on, kind, old, new, tuple(moved), summary, document=document)


def _settled(index: Index, subject_id: str, action: str, day: date) -> Callable[..., Answer]:
    """What ``ask`` answers for the subject on ``day`` under some facts (verdict and duties)."""

    def answer(facts: dict[str, Any]) -> Answer:
        d = settle(index, subject_id, action, day, dict(facts))
        return Answer(d.verdict.value, tuple(d.obligations), tuple(d.citations))

    return answer


def _subject_event(
    index: Index, subject_id: str, day: date, names: dict[str, tuple[str, str | None]]
) -> ChangeEvent | None:
    """The subject's answers the day before ``day`` and on ``day``, when what governs changes."""
    before = day - timedelta(days=1)
    docs_before = _documents_on(index, subject_id, before)
    docs_after = _documents_on(index, subject_id, day)
    if docs_before == docs_after or not docs_before or not docs_after:
        return None
    name, provider = names[subject_id]
    moved = []
    for action in index.parents:
        conditions = [
            *index.conditions_for(subject_id, action, before),
            *index.conditions_for(subject_id, action, day),
        ]
        change = compare(
            fact_space(index.fact_specs, conditions),
            _settled(index, subject_id, action, before),
            _settled(index, subject_id, action, day),
            action,
            False,
            old_gap=UNKNOWN_GAP,
            new_gap=UNKNOWN_GAP,
        )
        if change.direction == Direction.UNCHANGED:
            continue
        change.summary = action_summary(index, change, Span.on(day), provider)
        moved.append(change)
    if not moved:
        return None
    old, new = " + ".join(sorted(docs_before)), " + ".join(sorted(docs_after))
    summary = event_summary(index, "governance", day, old, new, moved, name)
    return ChangeEvent(day, "governance", old, new, tuple(moved), summary, subject=subject_id)


def _subject_events(
    index: Index, subject_id: str, names: dict[str, tuple[str, str | None]]
) -> list[ChangeEvent]:
    """Changes of governing documents for a subject (relicensing, new terms taking over)."""
    ranges = index.governance[subject_id]
    days = sorted(
        {g.interval.start for g in ranges} | {g.interval.end for g in ranges if g.interval.end}
    )
    first = min(days) if days else None
    found = (_subject_event(index, subject_id, day, names) for day in days if day != first)
    return [e for e in found if e is not None]


UNKNOWN_GAP = frozenset({"unknown"})  # no archived text or silence: not a change of terms


def _documents_on(index: Index, subject_id: str, day: date) -> frozenset[str]:
    return frozenset(g.document for g in index.documents_on(subject_id, day))


def all_changes(index: Index, archive: Archive) -> list[ChangeEvent]:
    """Every change event in the archive, rewordings included, oldest first (computed once)."""
    found: list[ChangeEvent | None] = []
    for doc_id in sorted(archive.documents):
        if not _governs(archive, doc_id):
            continue
        placed = index.timelines[doc_id].placed
        for older, newer in itertools.pairwise(placed):
            found.append(
                _document_event(
                    index, "version", doc_id, older.key, newer.key, newer.interval.start
                )
            )
    for doc_id, document in sorted(archive.documents.items()):
        if not document.succeeds or not _governs(archive, doc_id):
            continue
        before = index.timelines[document.succeeds].placed
        after = index.timelines[doc_id].placed
        if before and after:
            found.append(
                _document_event(
                    index,
                    "succession",
                    doc_id,
                    before[-1].key,
                    after[0].key,
                    after[0].interval.start,
                )
            )
    names = {
        s.id: (s.name, index.provider_names.get(s.provider)) for s in archive.subjects.values()
    }
    for subject_id in index.subject_ids:
        found += _subject_events(index, subject_id, names)
    events = [e for e in found if e is not None]
    events.sort(key=lambda e: (e.on, e.document or e.subject or ""))
    return events


def _documents_of(event: ChangeEvent) -> set[str]:
    """The document ids an event compares (its sides are keys or ' + '-joined ids)."""
    return {part.split("@", 1)[0] for side in (event.old, event.new) for part in side.split(" + ")}


def narrowed(
    event: ChangeEvent, index: Index, keep: Callable[[ActionChange], bool]
) -> ChangeEvent | None:
    """The event with only the action changes ``keep`` accepts, its summary rewritten."""
    actions = tuple(c for c in event.actions if keep(c))
    if not actions:
        return None
    if actions == event.actions:
        return event
    name = index.wording.names.get(event.subject or "", event.subject)
    summary = event_summary(index, event.kind, event.on, event.old, event.new, list(actions), name)
    return replace(event, actions=actions, summary=summary)


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
    include_reworded: bool = False,
) -> list[ChangeEvent]:
    """The events matching every filter given, each holding only the action changes that match.

    Rewordings that move no answer are left out unless ``include_reworded``;
    ``action`` and ``direction`` keep the events with such an action change,
    narrowed to those changes.
    """
    subject_id = index.resolve_subject(subject) if subject else None
    if direction is not None and direction not in {d.value for d in Direction}:
        raise ValueError(
            f"unknown direction {direction!r}; valid: " + ", ".join(d.value for d in Direction)
        )

    def keep(c: ActionChange) -> bool:
        return (
            (include_reworded or c.direction != Direction.REWORDED)
            and (action is None or c.action == action)
            and (direction is None or c.direction.value == direction)
        )

    out = []
    for e in events:
        if document and e.document != document and document not in _documents_of(e):
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
        found = narrowed(e, index, keep)
        if found is not None:
            out.append(found)
    return out
