"""Is B stricter than A? Comparing two rule sets over the finite space of facts.

Why by evaluation rather than by reading rules side by side: two rule sets
can be worded very differently and still answer the same, or look alike and
differ on one threshold. Conditions only compare facts with a few constants,
so evaluating both sides on every combination of the relevant values (and
"not given") decides the question exactly, and any combination where they
differ is a *witness* a reader can check (as Cedar's analyses do).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from tos_kb.answer.decision import Citation
from tos_kb.answer.factspace import relevant_values
from tos_kb.records import conditions as cond
from tos_kb.records.vocab import FactLike
from tos_kb.records.wording import show_value

MAX_COMBINATIONS = 20_000

# How restrictive a verdict is: silence says nothing, a condition may forbid.
STRICTNESS = {"permitted": 0, "unknown": 1, "silent": 1, "conditional": 2, "prohibited": 3}


class Direction(StrEnum):
    """How an action's answers moved between two versions."""

    TIGHTENED = "tightened"
    LOOSENED = "loosened"
    MIXED = "mixed"
    REWORDED = "reworded"
    UNCHANGED = "unchanged"


def overall_direction(directions: Iterable[Direction], text_changed: bool = False) -> Direction:
    """The direction of several actions' changes (a version pair, an event): the one rule.

    Mixed if actions moved both ways (or one did); otherwise the one way they
    moved; reworded if only wording (or the text) changed; else unchanged.
    """
    found = set(directions)
    moved = found - {Direction.UNCHANGED, Direction.REWORDED}
    if Direction.MIXED in moved or {Direction.TIGHTENED, Direction.LOOSENED} <= moved:
        return Direction.MIXED
    if moved:
        return moved.pop()
    if Direction.REWORDED in found or text_changed:
        return Direction.REWORDED
    return Direction.UNCHANGED


@dataclass(frozen=True, slots=True)
class Answer:
    """What one side says under one assignment of facts (its clauses do not count as the answer)."""

    verdict: str
    obligations: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = field(default=(), compare=False)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the verdict, the duties, and the deciding clauses by version."""
        return {
            "verdict": self.verdict,
            "obligations": list(self.obligations),
            "clauses": [
                {k: v for k, v in (("version", c.key), ("section", c.section)) if v}
                for c in self.citations
            ],
        }


@dataclass(frozen=True, slots=True)
class Witness:
    """Facts under which the old and new answers differ (never two equal answers)."""

    facts: dict[str, Any]
    old: Answer
    new: Answer

    @property
    def duties_added(self) -> list[str]:
        """Duties the new answer has that the old one had not."""
        return [d for d in self.new.obligations if d not in self.old.obligations]

    @property
    def duties_removed(self) -> list[str]:
        """Duties the old answer had that the new one has not."""
        return [d for d in self.old.obligations if d not in self.new.obligations]

    def answers(self) -> str:
        """``prohibited -> permitted``, or for the same verdict the duties that changed."""
        head = (
            self.old.verdict
            if self.old.verdict == self.new.verdict
            else f"{self.old.verdict} -> {self.new.verdict}"
        )
        if self.duties_added:
            head += ", now also: " + "; ".join(self.duties_added)
        if self.duties_removed:
            head += ", no longer: " + "; ".join(self.duties_removed)
        return head

    def describe(self) -> str:
        """One line: the facts, then old -> new (with the duties that changed)."""
        facts = ", ".join(f"{k}={show_value(v)}" for k, v in self.facts.items()) or "no facts given"
        return f"with {facts}: {self.answers()}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data: the facts, the answer before and the answer after."""
        return {"facts": self.facts, "before": self.old.to_dict(), "after": self.new.to_dict()}


@dataclass(slots=True)
class ActionChange:
    """The change of one action's answers, with a witness for each direction."""

    action: str
    direction: Direction
    tighter: Witness | None = None
    looser: Witness | None = None
    obligations_added: list[str] = field(default_factory=list)
    obligations_removed: list[str] = field(default_factory=list)
    old_verdicts: list[str] = field(default_factory=list)
    new_verdicts: list[str] = field(default_factory=list)
    gaps: bool = False  # some answers could not be compared (an excerpt's silence, no text)
    summary: str = ""  # one sentence in plain words (tos_kb.diff.summary)

    @property
    def witnesses(self) -> list[Witness]:
        """The witnesses kept: the most telling tighter one, then the looser one."""
        return [w for w in (self.tighter, self.looser) if w is not None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "action": self.action,
            "direction": self.direction.value,
            "summary": self.summary,
            "witnesses": [w.to_dict() for w in self.witnesses],
            "old_verdicts": self.old_verdicts,
            "new_verdicts": self.new_verdicts,
            "obligations_added": self.obligations_added,
            "obligations_removed": self.obligations_removed,
        }


def fact_space(
    facts: Mapping[str, FactLike], conditions: Iterable[cond.Condition]
) -> list[dict[str, Any]]:
    """Every combination of relevant values (including 'not given') of the facts named."""
    conditions = list(conditions)
    names: list[str] = []
    for c in conditions:
        for name in cond.facts_named(c):
            if name not in names and name in facts:
                names.append(name)
    axes = [
        [None, *(value for value, _ in relevant_values(facts[n], n, conditions))] for n in names
    ]
    space: list[dict[str, Any]] = []
    for combo in itertools.product(*axes):
        space.append({n: v for n, v in zip(names, combo, strict=True) if v is not None})
        if len(space) >= MAX_COMBINATIONS:
            break
    return space


def _jump(witness: Witness) -> tuple[int, int]:
    """How telling a witness is: a bigger change of verdict, then fewer facts to state."""
    return (
        abs(STRICTNESS[witness.new.verdict] - STRICTNESS[witness.old.verdict]),
        -len(witness.facts),
    )


def compare(
    space: list[dict[str, Any]],
    old: Callable[[dict[str, Any]], Answer],
    new: Callable[[dict[str, Any]], Answer],
    action: str,
    text_changed: bool,
    old_gap: frozenset[str] = frozenset(),
    new_gap: frozenset[str] = frozenset(),
) -> ActionChange:
    """Classify how answers moved from ``old`` to ``new`` over ``space``.

    Verdicts listed in ``old_gap``/``new_gap`` say nothing about the terms
    (the silence of an excerpt that does not show the clause; "unknown" for
    want of an archived text), so they witness no direction: a gap in the
    archive is not a change of the terms.

    A stricter verdict under some facts is a tightening, a laxer one a
    loosening. Under the same permission, duties only added tighten and
    duties only removed loosen; duties both added and removed (typically
    re-worded, such as a renamed policy) are reported but give no direction.
    The witness kept for each direction is the most telling one found.
    """
    tighter: Witness | None = None
    looser: Witness | None = None
    added: list[str] = []
    removed: list[str] = []
    old_verdicts: list[str] = []
    new_verdicts: list[str] = []
    gaps = False
    for facts in space:
        a, b = old(facts), new(facts)
        if a.verdict not in old_verdicts:
            old_verdicts.append(a.verdict)
        if b.verdict not in new_verdicts:
            new_verdicts.append(b.verdict)
        if (a.verdict in old_gap or b.verdict in new_gap) and a.verdict != b.verdict:
            gaps = True
            continue
        more = [duty for duty in b.obligations if duty not in a.obligations]
        fewer = [duty for duty in a.obligations if duty not in b.obligations]
        added += [duty for duty in more if duty not in added]
        removed += [duty for duty in fewer if duty not in removed]
        sa, sb = STRICTNESS[a.verdict], STRICTNESS[b.verdict]
        candidate = Witness(facts, a, b)
        if sb > sa or (a.verdict == b.verdict == "permitted" and more and not fewer):
            if tighter is None or _jump(candidate) > _jump(tighter):
                tighter = candidate
        elif (sb < sa or (a.verdict == b.verdict == "permitted" and fewer and not more)) and (
            looser is None or _jump(candidate) > _jump(looser)
        ):
            looser = candidate
    moved = [Direction.TIGHTENED] * bool(tighter) + [Direction.LOOSENED] * bool(looser)
    direction = overall_direction(moved, text_changed or bool(added or removed) or gaps)
    return ActionChange(
        action, direction, tighter, looser, added, removed, old_verdicts, new_verdicts, gaps
    )
