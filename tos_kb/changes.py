"""Diffs of versions and the timeline of changes across the knowledge base.

Why here and not in the engine: diffs are analysis *about* the rules. They
reuse the engine (each side answered exactly as ``ask`` would) and the
fact-space comparison of ``rulediff``, and add the text diff and where each
quote went.
"""

from __future__ import annotations

import heapq
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from . import conditions as cond
from .engine import evaluate_version
from .quotes import NormalisedText, normalise
from .rulediff import ActionChange, Answer, Direction, compare, fact_space

if TYPE_CHECKING:
    from .kb import KnowledgeBase
    from .textdiff import TextDiff


@dataclass(frozen=True, slots=True)
class QuoteMove:
    """Where a rule's quote went in the new version: kept, moved, changed or gone."""

    action: str
    quote: str
    status: str  # kept | moved | changed | gone
    old_section: str | None
    new_section: str | None = None
    new_passage: str | None = None
    new_offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


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
        from .textdiff import to_json

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


def _answer_fn(kb: KnowledgeBase, key: str, action: str):
    version = kb._versions[key]
    rules = version.rules.get(action, [])
    pre = version.preconditions.get(action, [])

    def answer(facts: dict[str, Any]) -> Answer:
        outcome = evaluate_version(rules, pre, facts)
        return Answer(outcome.verdict.value, tuple(outcome.obligations))

    return answer


def _conditions(kb: KnowledgeBase, key: str, action: str) -> list[cond.Condition]:
    version = kb._versions[key]
    found = [r.when for r in version.rules.get(action, []) if r.when is not None]
    found += [p.unless for p in version.preconditions.get(action, [])]
    return found


def _wording(kb: KnowledgeBase, key: str, action: str) -> list[tuple[Any, ...]]:
    return sorted(
        (
            r.verdict.value,
            normalise(r.quote or ""),
            repr(r.when),
            r.obligations,
        )
        for r in kb._versions[key].rules.get(action, [])
    )


def rule_changes(
    kb: KnowledgeBase, old: str, new: str, new_kb: KnowledgeBase | None = None
) -> list[ActionChange]:
    """Every action's change from version ``old`` to version ``new``.

    ``new_kb`` compares across two states of the archive (a version as it is
    recorded now against the same version at a git revision), for reviews.
    """
    other = new_kb or kb
    changes = []
    for action in kb._parents:
        space = fact_space(
            kb._fact_specs, [*_conditions(kb, old, action), *_conditions(other, new, action)]
        )
        reworded = _wording(kb, old, action) != _wording(other, new, action)
        changes.append(
            compare(
                space,
                _answer_fn(kb, old, action),
                _answer_fn(other, new, action),
                action,
                reworded,
                old_gap=_excerpt_silence(kb, old),
                new_gap=_excerpt_silence(other, new),
            )
        )
    return changes


def _excerpt_silence(kb: KnowledgeBase, key: str) -> frozenset[str]:
    """An excerpt's silence may be a clause it does not show: not evidence of a change."""
    return frozenset({"silent"}) if kb._coverage.get(key) == "excerpt" else frozenset()


def quote_moves(kb: KnowledgeBase, old: str, new: str) -> list[QuoteMove]:
    """Where each quote of the old version stands in the new text, if anywhere.

    Locations are the texts' own clause labels (``2(c)(iii)``, a heading and
    bullet), so "moved" means the words now stand in another clause.
    """
    from .sections import section_at, split_sections

    old_entry, new_entry = kb.version(old), kb.version(new)
    old_raw, new_raw = old_entry.read_text(), new_entry.read_text()
    old_text, new_text = NormalisedText(old_raw), NormalisedText(new_raw)
    old_sections, new_sections = split_sections(old_raw), split_sections(new_raw)

    def label(sections: list, offset: int) -> str | None:
        return sections[section_at(sections, offset)].label if sections else None

    moves: list[QuoteMove] = []
    seen: set[str] = set()
    for rule in old_entry.record.rules:
        if not rule.quote or rule.quote_file or normalise(rule.quote) in seen:
            continue
        seen.add(normalise(rule.quote))
        before = old_text.find(rule.quote)
        old_label = label(old_sections, before[0]) if before else None
        span = new_text.find(rule.quote)
        if span is not None:
            new_label = label(new_sections, span[0])
            status = "kept" if new_label == old_label else "moved"
            moves.append(
                QuoteMove(
                    rule.action,
                    rule.quote,
                    status,
                    old_label or rule.section,
                    new_label,
                    None,
                    span[0],
                )
            )
            continue
        found = _fuzzy_find(normalise(rule.quote), new_text)
        if found is None:
            moves.append(QuoteMove(rule.action, rule.quote, "gone", old_label or rule.section))
            continue
        first, last = found
        moves.append(
            QuoteMove(
                rule.action,
                rule.quote,
                "changed",
                old_label or rule.section,
                label(new_sections, first),
                normalise(new_raw[first:last]),
                first,
            )
        )
    return moves


def _fuzzy_find(needle: str, text: NormalisedText) -> tuple[int, int] | None:
    """The clause of ``text`` most like ``needle`` (similarity 0.6 or more), as offsets."""
    from difflib import SequenceMatcher

    haystack = text.normal
    best_ratio, best_at = 0.0, -1
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(needle)
    words = set(_WORD_RE.findall(needle.lower()))
    scored = [
        (len(words.intersection(_WORD_RE.findall(haystack[at : at + len(needle)].lower()))), at)
        for at in _candidate_starts(needle, haystack)
    ]
    for _, at in heapq.nlargest(24, scored):  # exact ratio only for the windows sharing most words
        matcher.set_seq1(haystack[at : at + len(needle)])
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best_at = ratio, at
    if best_ratio < 0.6:
        return None
    start, end = _align(needle, haystack, best_at)
    first, last = text.offsets[start], text.offsets[end - 1] + 1
    line_end = text.original.find("\n", last)
    if 0 <= line_end - last <= len(needle):
        last = line_end  # run on to the end of the clause's line
    return first, last


_WORD_RE = re.compile(r"\w{4,}")


def _candidate_starts(needle: str, haystack: str) -> list[int]:
    """Window starts worth scoring: around places where the needle's longer words occur."""
    lower = haystack.lower()
    step = max(1, len(needle) // 4)
    starts: set[int] = set()
    for word in set(re.findall(r"\w{5,}", needle.lower())):
        at = lower.find(word)
        while at >= 0:
            offset = needle.lower().find(word)
            base = max(0, at - offset)
            starts.update(max(0, base + k * step) for k in (-2, -1, 0, 1, 2))
            at = lower.find(word, at + 1)
    return sorted(starts) or list(range(0, max(1, len(haystack) - len(needle) + 1), step))


def _align(needle: str, haystack: str, near: int) -> tuple[int, int]:
    """Trim a fuzzy match to the span from its first to its last matching run of words."""
    from difflib import SequenceMatcher

    lo = max(0, near - len(needle) // 2)
    window = haystack[lo : near + len(needle) + len(needle) // 2]
    blocks = [
        b
        for b in SequenceMatcher(None, needle, window, autojunk=False).get_matching_blocks()
        if b.size >= 4
    ]
    if not blocks:
        return near, near + len(needle)
    start = lo + blocks[0].b
    end = lo + blocks[-1].b + blocks[-1].size
    while start > 0 and haystack[start - 1].isalnum():
        start -= 1
    # Snap to the clause: start after a sentence or bullet break near the front,
    # and run on to the end of the sentence when it is close.
    head = haystack[start : start + (end - start) // 2]
    cut = max(head.rfind(mark) for mark in (". ", "* ", "; ", "• "))
    if cut >= 0:
        start += cut + 2
    tail = haystack[end : end + len(needle)]
    stop = tail.find(". ")
    if stop >= 0:
        end += stop + 1
    while end < len(haystack) and haystack[end].isalnum():
        end += 1
    return start, end


def diff_versions(kb: KnowledgeBase, old: str, new: str, with_text: bool = True) -> VersionDiff:
    """Text, rule and quote changes between two archived versions (any two documents)."""
    kb.version(old)
    kb.version(new)
    text = None
    if with_text:
        from .textdiff import diff_texts

        text = diff_texts(kb.version(old).read_text(), kb.version(new).read_text())
    return VersionDiff(old, new, text, rule_changes(kb, old, new), quote_moves(kb, old, new))


# --- the timeline across the knowledge base ---------------------------------------------


def _governs(kb: KnowledgeBase, document: str) -> bool:
    doc = kb.archive.documents.get(document)
    kind = kb.archive.kinds.get(doc.kind) if doc else None
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


def _subject_events(kb: KnowledgeBase, subject_id: str) -> list[ChangeEvent]:
    """Changes of governing documents for a subject (relicensing, new terms taking over)."""
    subject = kb.archive.subjects[subject_id]
    days = sorted(
        {g.from_ for g in subject.governed_by} | {g.until for g in subject.governed_by if g.until}
    )
    events: list[ChangeEvent] = []
    first = min(g.from_ for g in subject.governed_by) if subject.governed_by else None
    for day in days:
        if day == first:
            continue  # coverage begins: not a change of the terms
        before = day - timedelta(days=1)
        docs_before = _documents_on(kb, subject_id, before)
        docs_after = _documents_on(kb, subject_id, day)
        if docs_before == docs_after or not docs_before or not docs_after:
            continue
        old_label = " + ".join(sorted(docs_before))
        new_label = " + ".join(sorted(docs_after))
        for action in kb.archive.actions:
            conditions = [
                *kb.conditions_for(subject_id, action, before),
                *kb.conditions_for(subject_id, action, day),
            ]
            space = fact_space(kb._fact_specs, conditions)

            def side(when: date, action: str = action):
                def answer(facts: dict[str, Any]) -> Answer:
                    d = kb._decide(subject_id, action, when, facts)
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


def _documents_on(kb: KnowledgeBase, subject_id: str, day: date) -> frozenset[str]:
    return frozenset(
        g.document
        for g in kb.archive.subjects[subject_id].governed_by
        if g.from_ <= day and (g.until is None or day < g.until)
    )


def all_changes(kb: KnowledgeBase) -> list[ChangeEvent]:
    """Every change event in the archive, oldest first (computed once per knowledge base)."""
    events: list[ChangeEvent] = []
    for doc_id in sorted(kb.archive.documents):
        if not _governs(kb, doc_id):
            continue
        placed = kb.timeline(doc_id).placed
        for older, newer in itertools.pairwise(placed):
            events += _events_from(
                rule_changes(kb, older.key, newer.key),
                on=newer.interval.start,
                kind="version",
                old=older.key,
                new=newer.key,
                document=doc_id,
            )
    for doc_id, document in sorted(kb.archive.documents.items()):
        if not document.succeeds or not _governs(kb, doc_id):
            continue
        before = kb.timeline(document.succeeds).placed
        after = kb.timeline(doc_id).placed
        if before and after:
            events += _events_from(
                rule_changes(kb, before[-1].key, after[0].key),
                on=after[0].interval.start,
                kind="succession",
                old=before[-1].key,
                new=after[0].key,
                document=doc_id,
            )
    for subject_id in sorted(kb.archive.subjects):
        events += _subject_events(kb, subject_id)
    events.sort(key=lambda e: (e.on, e.document or e.subject or "", e.action))
    return events


def _documents_of(event: ChangeEvent) -> set[str]:
    """The document ids an event compares (its sides are keys or ' + '-joined ids)."""
    return {part.split("@", 1)[0] for side in (event.old, event.new) for part in side.split(" + ")}


def filter_changes(
    events: list[ChangeEvent],
    kb: KnowledgeBase,
    *,
    subject: str | None = None,
    document: str | None = None,
    action: str | None = None,
    direction: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[ChangeEvent]:
    """The events matching every filter given."""
    subject_id = kb.resolve_subject(subject) if subject else None
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
            elif e.document not in _documents_on(kb, subject_id, e.on):
                continue
        out.append(e)
    return out
