"""What a pipeline check finds: the tree from the shipped model down, and the answer.

Why these shapes: every verdict in a report is a :class:`~tos_kb.Decision`
exactly as ``kb.ask`` returned it; what the report adds is only how those
answers combine along the chain (the most restrictive wins, duties add up)
and where each came from (:mod:`tos_kb.lineage.steps`); the words are
:mod:`tos_kb.lineage.render`'s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tos_kb.lineage import render as rendering
from tos_kb.lineage.steps import Duty, Judgement, Node, Step
from tos_kb.records.vocab import Verdict


@dataclass
class PipelineReport:
    """The answer for a whole pipeline: verdict, duties, missing facts and the explanation."""

    pipeline: str
    title: str | None
    manifest: str
    archive: str  # which archive answered: its data release (and the git revision asked for)
    assessed_on: date
    ships: str
    use: dict[str, Any]
    competes_with: list[str] | None
    tree: Node
    unused: list[str] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict:
        """The most restrictive verdict upstream of the shipped model (unknown if none applies)."""
        return self.tree.verdict or Verdict.UNKNOWN

    def decided_by(self) -> list[list[Step | Node]]:
        """Each path from the shipped model to a step that alone gives the overall verdict."""
        verdict = self.tree.verdict
        paths: list[list[Step | Node]] = []
        seen: set[int] = set()

        def walk(node: Node, path: list[Step | Node]) -> None:
            for item in node.items:
                if verdict is None or item.verdict != verdict or id(item) in seen:
                    continue
                seen.add(id(item))
                if isinstance(item, Node):
                    walk(item, [*path, item])
                else:
                    paths.append([*path, item])

        walk(self.tree, [self.tree])
        return paths

    @property
    def steps(self) -> list[Step]:
        """Every step, top-down from the shipped model."""
        return list(self.tree.steps())

    @property
    def duties(self) -> list[Duty]:
        """The duties of every permission upstream (a conditional answer's may apply)."""
        found: dict[tuple[str, str], list[str]] = {}
        arises_if: dict[tuple[str, str], set[str | None]] = {}
        for step in self.steps:
            for j in step.judgements:
                for text in j.decision.obligations:
                    key = (j.decision.subject, text)
                    found.setdefault(key, [])
                    if j.question() not in found[key]:
                        found[key].append(j.question())
                    arises_if.setdefault(key, set()).add(j.applies_if)
        return [
            Duty(
                text,
                subject,
                tuple(questions),
                # unconditional as soon as one question that needs no fact brings it
                None if None in arises_if[(subject, text)] else min(arises_if[(subject, text)]),  # type: ignore[type-var]
            )
            for (subject, text), questions in found.items()
        ]

    @property
    def missing_facts(self) -> dict[str, list[str]]:
        """Each fact of the use that would settle an answer, with the questions it settles."""
        out: dict[str, list[str]] = {}
        for step in self.steps:
            for j in step.judgements:
                names = list(j.decision.missing_facts)
                if j.applies_if and j.decision.verdict != Verdict.PERMITTED:
                    names.append(j.applies_if)
                for name in names:
                    out.setdefault(name, [])
                    if j.question() not in out[name]:
                        out[name].append(j.question())
        return out

    @property
    def to_supply(self) -> list[tuple[Step, str]]:
        """What the manifest must still say before some step can be judged."""
        return [(step, item) for step in self.steps for item in step.to_supply]

    @property
    def changes(self) -> list[tuple[Step, Judgement]]:
        """Questions whose answer under the terms in force on the assessment day differs."""
        return [(s, j) for s in self.steps for j in s.judgements if j.change]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (``--format json``)."""
        return rendering.to_dict(self)

    def render(self, fmt: str = "text") -> str:
        """The report as ``text``, ``markdown`` or ``json``."""
        return rendering.render(self, fmt)

    def explain(self) -> str:
        """The report as plain text."""
        return self.render("text")
