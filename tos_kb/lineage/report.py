"""What a pipeline check finds: judgements, steps, the tree from the shipped model down, the answer.

Why these shapes: every verdict in a report is a :class:`~tos_kb.Decision`
exactly as ``kb.ask`` returned it; what the report adds is only how those
answers combine along the chain (the most restrictive wins, duties add up)
and where each came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tos_kb.answer.decision import Decision
from tos_kb.records.vocab import Verdict

# Most restrictive last. As when documents combine (decide.py): a prohibition anywhere
# wins, an answer the archive cannot give comes next, then a condition, then permission.
RANK = {Verdict.PERMITTED: 0, Verdict.CONDITIONAL: 1, Verdict.UNKNOWN: 2, Verdict.PROHIBITED: 3}


def worst(verdicts: list[Verdict]) -> Verdict | None:
    """The most restrictive of some verdicts, or None when there are none."""
    return max(verdicts, key=RANK.__getitem__) if verdicts else None


@dataclass
class Judgement:
    """One question of a step: asked on the step's date and again on the assessment day."""

    decision: Decision  # kb.ask on the step's date (or the first day of a stretch of it)
    until: date  # the last day of the step's dates this answer covers
    today: Decision  # kb.ask with the same question on the assessment day
    applies_if: str | None = None  # a fact of the use, not given, that makes the question arise

    @property
    def counted(self) -> Verdict:
        """The verdict as it counts for the pipeline.

        A question that arises only if a fact not given holds (``applies_if``) can make
        the pipeline conditional on that fact, never more.
        """
        verdict = self.decision.verdict
        if self.applies_if is None or verdict == Verdict.PERMITTED:
            return verdict
        return Verdict.CONDITIONAL

    @property
    def change(self) -> str | None:
        """How the answer on the assessment day differs from the answer then, or None."""
        then, now = self.decision, self.today
        if (then.verdict, then.obligations) == (now.verdict, now.obligations):
            return None
        if then.verdict == now.verdict:
            return "duties differ today"
        if Verdict.UNKNOWN in (then.verdict, now.verdict):
            return "different today"
        return "stricter today" if RANK[now.verdict] > RANK[then.verdict] else "laxer today"

    def question(self) -> str:
        """``action with subject on day`` (the day, or the stretch of days it covers)."""
        d = self.decision
        days = d.on.isoformat() if d.on == self.until else f"{d.on} to {self.until}"
        return f"{d.action} with {d.subject} on {days}"


@dataclass
class Step:
    """One edge of the lineage: a source of a dataset, or the base weights of a model."""

    kind: str  # generation | weights | human | licensed
    artefact: str  # the dataset the source belongs to, or the model whose weights these are
    label: str
    subject: str | None = None
    when: str | None = None
    feeds: str | None = None  # the model trained on the data (generation steps)
    student: str | None = None
    judgements: list[Judgement] = field(default_factory=list)
    to_supply: list[str] = field(default_factory=list)
    note: str | None = None

    @property
    def verdict(self) -> Verdict | None:
        """The most restrictive answer of the step; unknown while something must be supplied."""
        if self.to_supply:
            return Verdict.UNKNOWN
        return worst([j.counted for j in self.judgements])

    @property
    def deciding(self) -> Judgement | None:
        """The first judgement giving the step's verdict."""
        return next((j for j in self.judgements if j.counted == self.verdict), None)


@dataclass
class Node:
    """An artefact in the explanation, with its own steps and the artefacts it comes from."""

    artefact: str
    kind: str  # model | dataset
    label: str
    items: list[Step | Node] = field(default_factory=list)

    @property
    def verdict(self) -> Verdict | None:
        """The most restrictive verdict of everything upstream of this artefact."""
        return worst([v for item in self.items if (v := item.verdict) is not None])

    @property
    def deciding(self) -> Step | Node | None:
        """The first item (step or upstream artefact) giving this artefact's verdict."""
        if self.verdict is None:
            return None
        return next(item for item in self.items if item.verdict == self.verdict)

    def steps(self) -> Iterator[Step]:
        """Every step upstream of this artefact, each once, top-down."""
        seen: set[int] = set()
        stack: list[Step | Node] = [self]
        order: list[Step] = []
        while stack:
            item = stack.pop(0)
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, Step):
                order.append(item)
            else:
                stack[0:0] = item.items
        yield from order


@dataclass(frozen=True)
class Duty:
    """A duty that comes with a permission upstream, with the questions it comes from."""

    text: str
    subject: str
    questions: tuple[str, ...]
    applies_if: str | None = None


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
        from tos_kb.lineage.render import to_dict

        return to_dict(self)

    def render(self, fmt: str = "text") -> str:
        """The report as ``text``, ``markdown`` or ``json``."""
        from tos_kb.lineage.render import render

        return render(self, fmt)

    def explain(self) -> str:
        """The report as plain text."""
        return self.render("text")
