"""The story of a provider or subject: what tightened or loosened, in date order, with quotes.

Why: a reader (a lawyer, a journalist) wants the changes told, not a table.
The story is built from the change events (:mod:`tos_kb.diff.changes`), each
with its generated summary and the deciding clauses before and after side
by side, and opens with what the archive covers for that provider and where
it has gaps, computed from the records (coverage of each version in force,
versions reported but not archived), never written by hand.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from tos_kb.answer.decision import Citation
from tos_kb.diff.changes import ChangeEvent
from tos_kb.diff.rules import ActionChange, Direction
from tos_kb.records.wording import all_of

if TYPE_CHECKING:
    from tos_kb.answer.index import Index
    from tos_kb.records.loader import Archive
    from tos_kb.records.models import Subject


class KnowledgeBase(Protocol):
    """What a story reads of a knowledge base (:class:`tos_kb.kb.KnowledgeBase`).

    A protocol rather than an import: the knowledge base tells its story through this
    module, so this module must not import it back.
    """

    index: Index

    @property
    def archive(self) -> Archive: ...
    @property
    def documents(self) -> dict[str, Any]: ...
    def subject(self, name: str) -> Subject: ...
    def changes(
        self, *, since: date | str | None = None, until: date | str | None = None
    ) -> list[ChangeEvent]: ...


MOVED = (Direction.TIGHTENED, Direction.LOOSENED, Direction.MIXED)


@dataclass(frozen=True)
class Passage:
    """Actions that moved on the same clauses: their sentences, the quotes before and after."""

    summaries: tuple[str, ...]
    before: tuple[Citation, ...]
    after: tuple[Citation, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "summaries": list(self.summaries),
            "before": [c.to_dict() for c in self.before],
            "after": [c.to_dict() for c in self.after],
        }


@dataclass(frozen=True)
class Chapter:
    """One event of the story with its passages."""

    event: ChangeEvent
    passages: tuple[Passage, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the event, and its quotes grouped by clause."""
        return {**self.event.to_dict(), "passages": [p.to_dict() for p in self.passages]}


@dataclass
class Story:
    """What changed for a provider or subject between two days, and what the archive covers."""

    name: str
    since: date | None
    until: date | None
    coverage: list[str]
    chapters: list[Chapter] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "name": self.name,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "coverage": self.coverage,
            "events": [c.to_dict() for c in self.chapters],
        }

    def to_text(self) -> str:
        """Plain text: the coverage paragraph, then each event and its quotes side by side."""
        lines = [self.title(), "", *self.coverage, ""]
        for chapter in self.chapters:
            e = chapter.event
            lines += [f"{e.on} — {e.direction.value}", f"  {e.summary}"]
            for passage in chapter.passages:
                lines += [f"  • {s}" for s in passage.summaries]
                lines += [f"      before: {_quote(c)}" for c in passage.before]
                lines += [f"      after:  {_quote(c)}" for c in passage.after]
            lines.append("")
        if not self.chapters:
            lines.append("Nothing tightened or loosened in that period.")
        return "\n".join(lines).rstrip() + "\n"

    def to_markdown(self) -> str:
        """Markdown: a section per event, quotes in a two-column table."""
        lines = [f"# {self.title()}", "", " ".join(self.coverage), ""]
        for chapter in self.chapters:
            e = chapter.event
            lines += [f"## {e.on}: {e.direction.value}", "", e.summary, ""]
            for passage in chapter.passages:
                lines += [f"- {s}" for s in passage.summaries]
                if passage.before or passage.after:
                    lines += ["", "| before | after |", "|---|---|"]
                    lines.append(f"| {_cell(passage.before)} | {_cell(passage.after)} |")
                lines.append("")
        if not self.chapters:
            lines.append("Nothing tightened or loosened in that period.")
        return "\n".join(lines).rstrip() + "\n"

    def title(self) -> str:
        """``The story of OpenAI, 2020-01-01 to 2024-12-31``."""
        start = self.since.isoformat() if self.since else "the beginning"
        end = self.until.isoformat() if self.until else "today"
        return f"The story of {self.name}, {start} to {end}"


def _quote(c: Citation) -> str:
    section = f" §{c.section}" if c.section else ""
    words = f'"{c.quote}"' if c.quote else "(no quote)"
    return f"{c.key}{section}: {words}"


def _cell(citations: tuple[Citation, ...]) -> str:
    text = "<br>".join(_quote(c) for c in citations) or "—"
    return text.replace("|", "\\|")


def story(
    kb: KnowledgeBase, name: str, since: date | None = None, until: date | None = None
) -> Story:
    """The story of a provider (its subjects and documents) or of one subject."""
    archive = kb.archive
    if name in archive.providers:
        provider = archive.providers[name]
        title = provider.name
        subjects = {s.id for s in archive.subjects.values() if s.provider == name}
        documents = {d for d in archive.documents if d.startswith(f"{name}/")}
    else:
        subject = kb.subject(name)
        title = subject.name
        subjects = {subject.id}
        documents = {g.document for g in subject.governed_by}
    events = [
        e
        for e in kb.changes(since=since, until=until)
        if e.direction in MOVED and (e.subject in subjects or e.document in documents)
    ]
    shown: set[tuple[date, tuple[str, ...], tuple[str, ...]]] = set()
    chapters = []
    for e in events:
        passages = []
        for p in _passages(e):
            key = (e.on, tuple(map(_ident, p.before)), tuple(map(_ident, p.after)))
            if key in shown:  # the same clauses quoted for another subject that day
                p = Passage(p.summaries, (), ())
            shown.add(key)
            passages.append(p)
        chapters.append(Chapter(e, tuple(passages)))
    return Story(title, since, until, coverage_lines(kb, title, documents, since, until), chapters)


def _passages(event: ChangeEvent) -> Iterator[Passage]:
    """Action changes that rest on the same clauses before and after, grouped."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[ActionChange]] = {}
    sides: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[tuple[Citation, ...], ...]] = {}
    for change in event.actions:
        witness = change.tighter or change.looser
        if witness is None:
            continue
        both = {_ident(c) for c in witness.old.citations} & {
            _ident(c) for c in witness.new.citations
        }
        before = tuple(c for c in _quoted(witness.old.citations) if _ident(c) not in both)
        after = tuple(c for c in _quoted(witness.new.citations) if _ident(c) not in both)
        key = (tuple(map(_ident, before)), tuple(map(_ident, after)))
        groups.setdefault(key, []).append(change)
        sides[key] = (before, after)
    for key, changes in groups.items():
        before, after = sides[key]
        yield Passage(tuple(c.summary for c in changes), before, after)


def _quoted(citations: tuple[Citation, ...]) -> tuple[Citation, ...]:
    """The clauses with a quote, once each."""
    seen: dict[str, Citation] = {}
    for c in citations:
        if c.quote:
            seen.setdefault(_ident(c), c)
    return tuple(seen.values())


def _ident(c: Citation) -> str:
    return f"{c.key}§{c.section}:{c.quote}"


def coverage_lines(
    kb: KnowledgeBase,
    title: str,
    documents: set[str],
    since: date | None,
    until: date | None,
) -> list[str]:
    """What the archive holds for these documents in the period, and where it has gaps."""
    index = kb.index
    start, end = since or date.min, until or date.max
    placed = [
        (doc, p)
        for doc in sorted(documents)
        if doc in index.timelines and kb.documents[doc].kind in _governing(kb)
        for p in index.timelines[doc].placed
        if p.interval.start <= end and (p.interval.end is None or p.interval.end > start)
    ]
    if not placed:
        return [f"The archive holds no version of {title}'s terms in force in this period."]
    full = [p for _, p in placed if index.coverage[p.key] == "full"]
    excerpts = [p for _, p in placed if index.coverage[p.key] != "full"]
    lines = [
        f"The archive holds {len(placed)} versions of {len({d for d, _ in placed})} of "
        f"{title}'s governing documents in force in this period: {len(full)} full texts "
        f"and {len(excerpts)} excerpts."
    ]
    first = min(p.interval.start for _, p in placed)
    if first > start and since is not None:
        lines.append(f"Nothing is archived in force before {first}.")
    partial = _excerpt_only(kb, placed)
    if partial:
        lines.append(
            f"Only excerpts survive of {all_of(partial)}: a clause an excerpt does not show "
            "may have existed, so its silence is a gap, not a permission."
        )
    reported = [
        text
        for doc in sorted(documents)
        for day, text in index.not_obtained.get(doc, [])
        if start <= day <= end
    ]
    if reported:
        lines.append("Reported but not archived: " + "; ".join(reported) + ".")
    return lines


def _excerpt_only(kb: KnowledgeBase, placed: list[tuple[str, Any]]) -> list[str]:
    """Each document's stretch with excerpts only: "doc before <first full text>" or "doc"."""
    out = []
    for doc in dict.fromkeys(d for d, _ in placed):
        versions = [p for d, p in placed if d == doc]
        full = [p.interval.start for p in versions if kb.index.coverage[p.key] == "full"]
        first = min(full, default=None)
        if first is None:
            out.append(f"{doc} (no full text in this period)")
        elif any(p.interval.start < first for p in versions):
            out.append(f"{doc} before {first}")
    return out


def _governing(kb: KnowledgeBase) -> set[str]:
    return {k for k, kind in kb.archive.kinds.items() if kind.governs}
