"""One sentence in plain words for each change, generated from the rules and witnesses.

Why generated: a summary written by hand per record would drift from the
rules it summarises. Each sentence is built from what the comparison found
(the witnesses: facts, answer before, answer after, the deciding clauses) and,
for one document's versions, from the conditions of the prohibiting clauses,
with conditions in the words of :mod:`tos_kb.records.wording`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from tos_kb.answer.decision import SEE_KINDS, Citation
from tos_kb.diff.rules import STRICTNESS, ActionChange, Direction, Witness
from tos_kb.records.vocab import RuleVerdict
from tos_kb.records.wording import VERDICT_WORDS, all_of

if TYPE_CHECKING:
    from tos_kb.answer.index import Index

DIRECTION_ORDER = (Direction.TIGHTENED, Direction.LOOSENED, Direction.MIXED, Direction.REWORDED)
_WORD = {
    Direction.TIGHTENED: "tightened",
    Direction.LOOSENED: "loosened",
    Direction.MIXED: "changed both ways",
    Direction.REWORDED: "reworded",
}


@dataclass(frozen=True)
class Span:
    """How a sentence names the two sides: by days on the timeline, or as two versions."""

    head: str  # "on 2023-03-14"
    before: str  # "until 2023-03-13"
    after: str  # "from 2023-03-14"

    @classmethod
    def on(cls, day: date) -> Span:
        """Sides the day before ``day`` and ``day`` itself."""
        return cls(f"on {day}", f"until {day - timedelta(days=1)}", f"from {day}")

    @classmethod
    def versions(cls, old: str, new: str) -> Span:
        """Two versions compared out of time (``kb.diff`` of any two)."""
        return cls(f"from {old} to {new}", f"in {old}", f"in {new}")


def action_summary(
    index: Index,
    change: ActionChange,
    span: Span,
    provider: str | None,
    versions: tuple[str, str] | None = None,
) -> str:
    """The change of one action in one sentence.

    ``versions`` (old key, new key) is given when one document's versions are
    compared: if the conditions of their prohibiting clauses differ, the
    sentence states both; otherwise it states what the witnesses show.
    """
    label = index.action_labels.get(change.action, change.action)
    head = f"{label} {_WORD.get(change.direction, change.direction.value)} {span.head}"
    if change.direction == Direction.REWORDED:
        return f"{head}: the wording changed, no answer did."
    if versions is not None and change.direction in (Direction.TIGHTENED, Direction.LOOSENED):
        old, new = (_prohibited_when(index, key, change.action) for key in versions)
        if old is not None and new is not None and old != new:
            witness = change.tighter or change.looser
            assert witness is not None
            cited = _clauses(_deciding(witness), False)
            return f"{head}: {span.before} prohibited {old}; {span.after} prohibited {new}{cited}."
    clauses = [_witness_words(index, w, provider, span) for w in change.witnesses]
    return f"{head}: {'; '.join(clauses)}."


def _deciding(w: Witness) -> tuple[Citation, ...]:
    """The clauses behind the stricter side: the new answer's if tighter, else the old one's."""
    if STRICTNESS[w.new.verdict] >= STRICTNESS[w.old.verdict]:
        return w.new.citations
    return w.old.citations


def _witness_words(index: Index, w: Witness, provider: str | None, span: Span) -> str:
    """``if <facts>: prohibited until <day>, permitted from <day> (<clauses>)``."""
    where = (
        "whatever the facts"
        if not w.facts
        else "if " + index.wording.facts_given(w.facts, provider)
    )
    if w.old.verdict == w.new.verdict:
        words = VERDICT_WORDS[w.new.verdict]
    else:
        words = (
            f"{VERDICT_WORDS[w.old.verdict]} {span.before}, "
            f"{VERDICT_WORDS[w.new.verdict]} {span.after}"
        )
    if w.duties_added:
        words += ", now also: " + "; ".join(w.duties_added)
    if w.duties_removed:
        words += ", no longer: " + "; ".join(w.duties_removed)
    many = len({c.document for c in (*w.old.citations, *w.new.citations)}) > 1
    return f"{where}: {words}{_clauses(_deciding(w), many)}"


def _prohibited_when(index: Index, key: str, action: str) -> str | None:
    """When one version's clauses prohibit ``action``, in words ("if ..."), or None."""
    rules = index.versions[key].rules.get(action, [])
    barred = [r for r in rules if r.verdict == RuleVerdict.PROHIBITED]
    if not barred:
        return None
    if any(r.when is None for r in barred):
        return "in every case"
    texts = list(dict.fromkeys(r.when_text or "" for r in barred))
    if len(texts) == 1:
        return f"if {texts[0]}"
    return "if " + " or ".join(f"({t})" for t in texts)


def _clauses(citations: Iterable[Citation], with_document: bool) -> str:
    """`` (§2(c)(iii))`` or `` (openai/terms-of-use §3.3(e))``; nothing without sections.

    Only the rules' own clauses: the definitions and referenced clauses they
    cite (``see``) are shown with the answer, not in a one-line summary.
    """
    shown = [
        (f"{c.document} " if with_document else "") + f"§{c.section}"
        for c in citations
        if c.section and c.kind not in SEE_KINDS
    ]
    shown = list(dict.fromkeys(shown))
    return f" ({'; '.join(shown)})" if shown else ""


def event_summary(
    index: Index,
    kind: str,
    on: date,
    old: str,
    new: str,
    changes: list[ActionChange],
    subject_name: str | None = None,
) -> str:
    """One event in one sentence: what changed, on what basis, and which actions moved how."""
    if kind == "governance":
        head = f"{subject_name}: from {on} governed by {new} instead of {old}"
    elif kind == "succession":
        head = (
            f"{_title(index, new)} replaced {_title(index, old)} on {on} "
            "(the two texts compared on their own, apart from other documents)"
        )
    else:
        version = old.split("@", 1)[1]
        head = f"{_title(index, new)} as of {on}, compared on its own with its version of {version}"
    groups = []
    for direction in DIRECTION_ORDER:
        labels = [
            index.action_labels.get(c.action, c.action).lower()
            for c in changes
            if c.direction == direction
        ]
        if labels:
            groups.append(f"{_WORD[direction]} {all_of(labels)}")
    return f"{head}: {'; '.join(groups) or 'no answer changed'}."


def _title(index: Index, key: str) -> str:
    document = key.split("@", 1)[0]
    title = index.titles.get(document)
    return f"{title} ({document})" if title else document
