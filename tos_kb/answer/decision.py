"""The answer to a question: a verdict with the clauses that decide it.

Why plain dataclasses: a Decision is built on every ``ask`` (a hot path) and
read by people and scripts; it carries its reasons (citations, missing facts,
caveats) so that no answer is ever a bare word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tos_kb.records.vocab import Verdict
from tos_kb.records.wording import show_value

__all__ = ["Branch", "Citation", "Decision", "Verdict"]


@dataclass(frozen=True)  # no slots: the compiled index is pickled, and slots unpickle slowly
class Citation:
    """One clause that decides an answer, quoted verbatim from an archived version."""

    document: str
    version: str
    section: str | None
    quote: str | None
    source_url: str
    verdict: str
    action: str
    kind: str = "rule"  # rule | precondition | definition | referenced-clause (see SEE_KINDS)
    quote_file: str | None = None
    note: str | None = None
    condition: str | None = None
    why: str | None = None  # for a further quote: what it decides for the rule before it

    @property
    def key(self) -> str:
        """``provider/document@version``."""
        return f"{self.document}@{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {k: v for k, v in vars(self).items() if v is not None}


# A further quote cited after its rule's own (a record's ``see``), with how render() labels it.
SEE_KINDS = {"definition": "definition", "referenced-clause": "clause referred to"}
NOT_ARCHIVED = "the archived copy is an excerpt that does not reach it"


@dataclass(frozen=True, slots=True)
class Branch:
    """What the answer would be if a missing fact had a given value (for ``explain``)."""

    assumption: str
    verdict: Verdict
    obligations: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()  # a case still conditional: what outside the facts decides it


@dataclass(slots=True)
class Decision:
    """The answer to (subject, action, date, facts)."""

    subject: str
    action: str
    on: date
    facts: dict[str, Any]
    verdict: Verdict
    citations: list[Citation] = field(default_factory=list)
    obligations: list[str] = field(default_factory=list)
    missing_facts: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    caveats: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    consulted: list[str] = field(default_factory=list)
    branches: list[Branch] = field(default_factory=list)
    release: str | None = None  # the data release it was answered from (tos_kb.store.release)
    unknown_reason: str | None = None  # for an unknown verdict: one of UNKNOWN_REASONS

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data, the same shape the CLI prints with ``--json``."""
        return {
            "subject": self.subject,
            "action": self.action,
            "on": self.on.isoformat(),
            "facts": self.facts,
            "verdict": self.verdict.value,
            "citations": [c.to_dict() for c in self.citations],
            "obligations": self.obligations,
            "missing_facts": self.missing_facts,
            "conditions": self.conditions,
            "caveats": self.caveats,
            "reasons": self.reasons,
            "consulted": self.consulted,
            "branches": [
                {
                    "assumption": b.assumption,
                    "verdict": b.verdict.value,
                    "obligations": list(b.obligations),
                    "conditions": list(b.conditions),
                }
                for b in self.branches
            ],
            "release": self.release,
            "unknown_reason": self.unknown_reason,
        }

    def explain(self) -> str:
        """A readable account of the answer and why, for people (the CLI prints the same lines)."""
        return "\n".join(text for _, text in render(self))


# Why an answer is unknown, machine-readable, with the words explain() prints.
UNKNOWN_REASONS = {
    "no-version-in-force": "no archived version of a governing document is in force that day",
    "gap-between-versions": "that day falls between two archived versions of a governing "
    "document, and the version in force then is not archived",
    "excerpt-does-not-cover": "the archived texts in force are excerpts that do not reach "
    "a clause on this action",
    "silent": "the full texts in force are silent on this action, and silence is not permission",
}


# The kinds of line :func:`render` yields; the CLI styles each kind, ``explain()`` joins them.
LineKind = str  # heading | verdict | reason | turns-on | condition | case | obligations-heading
#                 | obligation | clauses-heading | clause | see | quote | source | caveat


def render(d: Decision) -> list[tuple[LineKind, str]]:
    """The one rendering of a decision, line by line, each line with its kind."""
    facts = ", ".join(f"{k}={show_value(v)}" for k, v in d.facts.items()) or "no facts given"
    lines: list[tuple[LineKind, str]] = [
        ("heading", f"{d.action} with {d.subject} on {d.on.isoformat()} ({facts})"),
        ("verdict", f"Verdict: {d.verdict.value.upper()}"),
    ]
    if d.unknown_reason:
        lines.append(("unknown-reason", f"Why unknown: {UNKNOWN_REASONS[d.unknown_reason]}"))
    lines += [("reason", f"  • {reason}") for reason in d.reasons]
    if d.missing_facts:
        lines.append(("turns-on", f"Turns on: {', '.join(d.missing_facts)}"))
    lines += [("condition", f"  condition: {condition}") for condition in d.conditions]
    for branch in d.branches:
        extra = f" — {'; '.join(branch.obligations)}" if branch.obligations else ""
        if branch.conditions:
            extra += f" — turns on: {'; '.join(branch.conditions)}"
        lines.append(("case", f"  if {branch.assumption}: {branch.verdict.value}{extra}"))
    if d.obligations:
        heading = (
            "Obligations"
            if d.verdict != Verdict.CONDITIONAL
            else "Obligations (of the rules that may apply; see each case above)"
        )
        lines.append(("obligations-heading", heading))
        lines += [("obligation", f"  • {o}") for o in d.obligations]
    if d.citations:
        lines.append(("clauses-heading", "Deciding clauses"))
        for c in d.citations:
            section = f" §{c.section}" if c.section else ""
            if c.kind in SEE_KINDS:  # same version as the clause above: no second source line
                lines.append(("see", f"    ↳ {SEE_KINDS[c.kind]}{section}: {c.why}"))
                lines.append(
                    ("quote", f'      "{c.quote}"')
                    if c.quote
                    else ("see", f"      (not in the archived text: {NOT_ARCHIVED})")
                )
                continue
            lines.append(("clause", f"  [{c.verdict}] {c.key}{section}"))
            if c.quote:
                lines.append(("quote", f'    "{c.quote}"'))
            lines.append(("source", f"    {c.source_url}"))
    lines += [("caveat", f"Caveat: {caveat}") for caveat in d.caveats]
    if d.release:
        lines.append(("release", f"Data release: {d.release}"))
    return lines
