"""The answer to a question: a verdict with the clauses that decide it.

Why plain dataclasses: a Decision is built on every ``ask`` (a hot path) and
read by people and scripts; it carries its reasons (citations, missing facts,
caveats) so that no answer is ever a bare word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .vocab import Verdict

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
    kind: str = "rule"  # rule | precondition
    quote_file: str | None = None
    note: str | None = None
    condition: str | None = None

    @property
    def key(self) -> str:
        """``provider/document@version``."""
        return f"{self.document}@{self.version}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass(frozen=True, slots=True)
class Branch:
    """What the answer would be if a missing fact had a given value (for ``explain``)."""

    assumption: str
    verdict: Verdict
    obligations: tuple[str, ...] = ()


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
                }
                for b in self.branches
            ],
        }

    def explain(self) -> str:
        """A readable account of the answer and why, for people."""
        facts = ", ".join(f"{k}={v}" for k, v in self.facts.items()) or "no facts given"
        lines = [
            f"{self.action} with {self.subject} on {self.on.isoformat()} ({facts}): "
            f"{self.verdict.value.upper()}"
        ]
        lines += [f"  - {reason}" for reason in self.reasons]
        if self.missing_facts:
            lines.append(f"It turns on: {', '.join(self.missing_facts)}.")
        for condition in self.conditions:
            lines.append(f"Condition: {condition}")
        for branch in self.branches:
            extra = f" (obligations: {'; '.join(branch.obligations)})" if branch.obligations else ""
            lines.append(f"  if {branch.assumption}: {branch.verdict.value}{extra}")
        if self.obligations:
            lines.append(
                "Obligations:"
                if self.verdict != Verdict.CONDITIONAL
                else "Obligations (those of the rules that may apply; see each case):"
            )
            lines += [f"  - {o}" for o in self.obligations]
        if self.citations:
            lines.append("Deciding clauses:")
            for c in self.citations:
                where = f" §{c.section}" if c.section else ""
                quote = f': "{c.quote}"' if c.quote else ""
                lines.append(f"  [{c.verdict}] {c.key}{where}{quote}")
                lines.append(f"      source: {c.source_url}")
        for caveat in self.caveats:
            lines.append(f"Caveat: {caveat}")
        return "\n".join(lines)
