"""What every page generator shares: the knowledge base and a few indexes over it.

Why: several page families need the same derived facts (which subjects a
document governs, which change pages exist, the archive's as-of day);
computing them once keeps the generators small and the build fast.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from tos_kb.diff.changes import ChangeEvent, rule_changes
from tos_kb.diff.rules import STRICTNESS, ActionChange, Direction, overall_direction
from tos_kb.diff.summary import Span
from tos_kb.kb import KnowledgeBase
from tos_kb.records.models import Governance
from tos_kb.records.wording import show_value

from . import paths


@dataclass(frozen=True)
class Pair:
    """Two versions compared on a change page: consecutive versions, or a succession."""

    old: str
    new: str
    kind: str  # version | succession
    on: date

    @property
    def src(self) -> str:
        """Source path of the change page."""
        return paths.change(self.old, self.new)

    @property
    def document(self) -> str:
        """The newer version's document."""
        return self.new.split("@", 1)[0]


@dataclass(frozen=True)
class Evidence:
    """A subject's evidence quote that points into a version."""

    subject: str
    document: str
    quote: str
    quote_file: str | None
    index: int  # position among the evidence quotes pointing into that version


@dataclass
class Site:
    """The knowledge base with the indexes the generators share."""

    kb: KnowledgeBase
    directory_urls: bool = True
    edit_links: bool = True
    _rule_changes: dict[tuple[str, str], list[ActionChange]] = field(default_factory=dict)

    def href(self, from_src: str, to_src: str, anchor: str = "") -> str:
        """A relative link between two generated (or hand-written) files."""
        return paths.rel(from_src, to_src, self.directory_urls, anchor)

    @cached_property
    def as_of(self) -> date:
        """The archive's as-of day: the latest day a text was retrieved (or verified)."""
        days = [r.verified or r.retrieved for r in self.kb.versions()]
        days += [r.retrieved for r in self.kb.versions()]
        return max(days) if days else date.today()

    @cached_property
    def changes(self) -> list[ChangeEvent]:
        """Every change event, oldest first."""
        return self.kb.changes()

    @cached_property
    def events_by_pair(self) -> dict[tuple[str, str], ChangeEvent]:
        """Each document event (rewordings included) by its (old, new) versions."""
        return {
            (e.old, e.new): e for e in self.kb.changes(include_reworded=True) if e.subject is None
        }

    def event_of(self, pair: Pair) -> ChangeEvent | None:
        """The change event a change page shows, if the versions' answers or words moved."""
        return self.events_by_pair.get((pair.old, pair.new))

    @cached_property
    def pairs(self) -> list[Pair]:
        """Every change page: consecutive versions of each document, then successions."""
        found: list[Pair] = []
        for doc_id in sorted(self.kb.documents):
            placed = self.kb.timeline(doc_id).placed
            for older, newer in itertools.pairwise(placed):
                found.append(Pair(older.key, newer.key, "version", newer.interval.start))
        for doc_id, document in sorted(self.kb.documents.items()):
            if not document.succeeds or document.succeeds not in self.kb.documents:
                continue
            before = self.kb.timeline(document.succeeds).placed
            after = self.kb.timeline(doc_id).placed
            if before and after:
                found.append(
                    Pair(before[-1].key, after[0].key, "succession", after[0].interval.start)
                )
        return found

    @cached_property
    def pair_by_keys(self) -> dict[tuple[str, str], Pair]:
        """Change pages by (old, new) version keys."""
        return {(p.old, p.new): p for p in self.pairs}

    def rule_changes(self, pair: Pair) -> list[ActionChange]:
        """Each action's change between the pair's versions (computed once)."""
        key = (pair.old, pair.new)
        if key not in self._rule_changes:
            span = Span.on(pair.on)
            self._rule_changes[key] = rule_changes(self.kb.index, pair.old, pair.new, span=span)
        return self._rule_changes[key]

    def direction(self, pair: Pair) -> Direction:
        """The overall direction of a change page (the rule ``VersionDiff.direction`` uses)."""
        old_text = self.kb.version(pair.old).record.sha256
        new_text = self.kb.version(pair.new).record.sha256
        changes = self.rule_changes(pair)
        return overall_direction((c.direction for c in changes), old_text != new_text)

    @cached_property
    def governs(self) -> dict[str, list[tuple[str, Governance]]]:
        """For each document, the subjects it governs and over which range."""
        out: dict[str, list[tuple[str, Governance]]] = {}
        for subject in self.kb.subjects():
            for gov in subject.governed_by:
                out.setdefault(gov.document, []).append((subject.id, gov))
        return out

    @cached_property
    def evidence(self) -> dict[str, list[Evidence]]:
        """For each version key, the subjects' evidence quotes that point into it."""
        out: dict[str, list[Evidence]] = {}
        for subject in self.kb.subjects():
            for gov in subject.governed_by:
                for ref in gov.evidence:
                    key = f"{ref.document}@{ref.version}"
                    found = out.setdefault(key, [])
                    if any(e.quote == ref.quote and e.quote_file == ref.quote_file for e in found):
                        continue
                    found.append(
                        Evidence(subject.id, gov.document, ref.quote, ref.quote_file, len(found))
                    )
        return out

    def evidence_index(self, key: str, quote: str, quote_file: str | None) -> int | None:
        """The anchor number of an evidence quote on its version's page."""
        for e in self.evidence.get(key, []):
            if e.quote == quote and e.quote_file == quote_file:
                return e.index
        return None

    @cached_property
    def successors(self) -> dict[str, list[str]]:
        """For each document, the documents that succeed it."""
        out: dict[str, list[str]] = {}
        for doc_id, document in sorted(self.kb.documents.items()):
            if document.succeeds:
                out.setdefault(document.succeeds, []).append(doc_id)
        return out

    def version_exists(self, key: str) -> bool:
        """Whether ``key`` names an archived version."""
        try:
            self.kb.version(key)
        except ValueError:
            return False
        return True


def strictness(verdict: str) -> int:
    """How restrictive a verdict is, for marking tightening and loosening."""
    return STRICTNESS.get(verdict, 1)


def facts_label(facts: dict[str, Any]) -> str:
    """``a=1, b=true`` or "no facts given"."""
    if not facts:
        return "no facts given"
    return ", ".join(f"{k}={show_value(v)}" for k, v in facts.items())
