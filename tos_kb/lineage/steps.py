"""The parts of a pipeline report: judgements, steps, the tree from the shipped model down.

Why these shapes: every verdict in a report is a :class:`~tos_kb.Decision`
exactly as ``kb.ask`` returned it; what the report adds is only how those
answers combine along the chain (the most restrictive wins, duties add up)
and where each came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

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
