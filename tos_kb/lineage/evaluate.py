"""Judging a pipeline: every step asked of the archive on its own date, with the final use's facts.

The rules, each written once here:

- **Dated steps.** A source of data is judged on the day it was generated, the
  base weights of a model on the day it was trained. A step known only to a
  month or a range is judged on every stretch of it over which the archive's
  answer differs, and counts by the worst.
- **The final use flows upstream.** The facts of the shipped model's use are
  given to every question they bear on (the facts its conditions mention).
  ``competes_with`` sets ``competing`` per provider.
- **The student** of a generation step is the model the data feeds: the
  subject at the root of that model's base weights, ``another-model`` for a
  model trained from scratch, not given when the base is not known.
- **Stacking.** Every step upstream of the shipped model is judged, however
  many steps away: a further fine-tune does not remove a duty or a ban, and
  a model's base licence is asked again for each model built on it.
- **Retroactivity.** Each question is asked again on the assessment day; a
  different answer is flagged, in either direction. The verdict stays the
  one of the step's own date.
- **Unknown provenance.** A step without a date or an origin is unknown, and
  says what to supply. Data under a licence this archive does not record is
  unknown too; data written by people brings no terms from this archive.

Every verdict is a :class:`~tos_kb.Decision` exactly as ``kb.ask`` returns it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from tos_kb.answer.decide import same_answer
from tos_kb.answer.decision import Decision
from tos_kb.answer.factspace import OTHER_STUDENT
from tos_kb.kb import KnowledgeBase
from tos_kb.lineage import manifest as m
from tos_kb.lineage.steps import Judgement, Node, Step
from tos_kb.records import conditions as cond

TAKEN_ACTIONS = {
    "outputs": ["train-on-outputs"],
    "logits": ["distill-logits"],
    "scraped-outputs": ["scrape-outputs", "train-on-outputs"],
}
DATA_USE_ACTIONS = [("commercial-use-of-distilled-data", "commercial")]
WEIGHTS_ACTIONS = [
    ("fine-tune-weights", None),
    ("commercial-use", "commercial"),
    ("redistribute-weights", "distributes"),
]


class Evaluator:
    """Builds the explanation tree of one pipeline against one knowledge base."""

    def __init__(self, kb: KnowledgeBase, pipeline: m.Pipeline, assessed_on: date):
        self.kb = kb
        self.pipeline = pipeline
        self.assessed_on = assessed_on
        self.use: dict[str, Any] = dict(pipeline.use.facts)
        self._models: dict[str, Node] = {}
        self._datasets: dict[tuple[str, str], Node] = {}

    # --- the chain of weights -------------------------------------------------------------

    def root(self, model: m.Model) -> tuple[str | None, bool]:
        """The subject at the root of a model's base weights, and whether it is from scratch."""
        while model.base is not None and model.base.artefact is not None:
            model = m.model(self.pipeline, model.base.artefact)
        if model.base is not None and model.base.subject is not None:
            return self.kb.resolve_subject(model.base.subject), False
        return None, model.from_scratch

    def student(self, model: m.Model) -> str | None:
        """The ``student`` fact of data that feeds ``model``."""
        subject, scratch = self.root(model)
        return subject if subject is not None else (OTHER_STUDENT if scratch else None)

    # --- nodes ----------------------------------------------------------------------------

    def model(self, model_id: str) -> Node:
        """A model: its base weights, the model it builds on, and its datasets."""
        if model_id in self._models:
            return self._models[model_id]
        model = m.model(self.pipeline, model_id)
        node = Node(model_id, "model", f"{model_id} (model trained {m.show_when(model.trained)})")
        self._models[model_id] = node
        node.items.append(self.weights(model))
        if model.base is not None and model.base.artefact is not None:
            node.items.append(self.model(model.base.artefact))
        for dataset_id in model.trained_on:
            node.items.append(self.dataset(dataset_id, model))
        return node

    def dataset(self, dataset_id: str, consumer: m.Model) -> Node:
        """A dataset as it feeds ``consumer``: one item per source (the student is the consumer)."""
        key = (dataset_id, consumer.id)
        if key in self._datasets:
            return self._datasets[key]
        dataset = m.dataset(self.pipeline, dataset_id)
        node = Node(dataset_id, "dataset", f"{dataset_id} (dataset fed to {consumer.id})")
        self._datasets[key] = node
        for number, source in enumerate(dataset.sources, 1):
            if isinstance(source, m.Mixed):
                node.items.append(self.dataset(source.dataset, consumer))
            elif isinstance(source, m.Generated):
                node.items.append(self.generation(dataset_id, number, source, consumer))
                if source.artefact is not None:
                    node.items.append(self.model(source.artefact))
            elif isinstance(source, m.Human):
                node.items.append(
                    Step(
                        "human",
                        dataset_id,
                        f"source {number}: written by people ({source.description})",
                        note="no terms recorded in this archive attach to it",
                    )
                )
            else:
                node.items.append(
                    Step(
                        "licensed",
                        dataset_id,
                        f"source {number}: data under the licence {source.licence}"
                        + (f" ({source.description})" if source.description else ""),
                        to_supply=[
                            f"an assessment of {source.licence} for this use: this archive "
                            "records AI providers' terms and model licences, not that licence"
                        ],
                    )
                )
        return node

    # --- steps ----------------------------------------------------------------------------

    def weights(self, model: m.Model) -> Step:
        """What the licence of the root base weights says of building and using this model."""
        subject, scratch = self.root(model)
        base = model.base
        through = f" through {base.artefact}" if base is not None and base.artefact else ""
        if scratch:
            return Step(
                "weights",
                model.id,
                "base weights: none, trained from scratch",
                note="no base licence applies",
            )
        if subject is None:
            return Step(
                "weights",
                model.id,
                "base weights: not given",
                to_supply=[
                    f"the base weights of {model.id} (base: {{subject: ...}} or "
                    "{artefact: ...}), or from_scratch: true"
                ],
            )
        step = Step(
            "weights",
            model.id,
            f"base weights: {subject}{through}",
            subject=subject,
            when=m.show_when(model.trained) if model.trained is not None else None,
        )
        if model.trained is None:
            step.to_supply.append(f"when {model.id} was trained (trained: ...)")
            return step
        first, last = m.days(model.trained)
        for action, fact in WEIGHTS_ACTIONS:
            self._ask(step, subject, action, first, last, None, fact)
        return step

    def generation(
        self, dataset_id: str, number: int, source: m.Generated, consumer: m.Model
    ) -> Step:
        """Data generated by a service or model, judged on the day it was generated."""
        student = self.student(consumer)
        origin = source.subject or source.artefact or "an origin not given"
        model = f" ({source.model})" if source.model else ""
        when = m.show_when(source.generated) if source.generated is not None else None
        step = Step(
            "generation",
            dataset_id,
            f"source {number}: {source.taken} of {origin}{model}, generated "
            f"{when or 'on a date not given'}",
            when=when,
            feeds=consumer.id,
            student=student,
        )
        subject: str | None = None
        if source.subject is not None:
            subject = self.kb.resolve_subject(source.subject)
        elif source.artefact is not None:
            subject, _ = self.root(m.model(self.pipeline, source.artefact))
            if subject is None:
                step.note = (
                    f"{source.artefact} has no base licence in this archive; its own lineage "
                    "is judged below"
                )
                return step
            step.note = (
                f"outputs of {source.artefact}, built on {subject}: asked as outputs of {subject}"
            )
        else:
            step.to_supply.append(
                "the service or model that generated it (subject: a subject of the archive)"
            )
        if source.generated is None:
            step.to_supply.append("when it was generated (generated: ...)")
        step.subject = subject
        if step.to_supply or subject is None or source.generated is None:
            return step
        first, last = m.days(source.generated)
        for action in TAKEN_ACTIONS[source.taken]:
            self._ask(step, subject, action, first, last, student, None)
        for action, fact in DATA_USE_ACTIONS:
            self._ask(step, subject, action, first, last, student, fact)
        return step

    # --- questions ------------------------------------------------------------------------

    def all_facts(self, subject: str, student: str | None) -> dict[str, Any]:
        """The facts of the use as they read for ``subject``, and the student."""
        facts = dict(self.use)
        competes_with = self.pipeline.use.competes_with
        if competes_with is not None:
            facts["competing"] = self.kb.subject(subject).provider in competes_with
        if student is not None:
            facts["student"] = student
        return facts

    def facts(self, subject: str, action: str, day: date, student: str | None) -> dict[str, Any]:
        """Of :meth:`all_facts`, those the question's conditions mention on that day."""
        facts = self.all_facts(subject, student)
        mentioned = {
            name
            for condition in self.kb.conditions_for(subject, action, day)
            for name in cond.facts_named(condition)
        }
        return {k: v for k, v in facts.items() if k in mentioned}

    def _ask(
        self,
        step: Step,
        subject: str,
        action: str,
        first: date,
        last: date,
        student: str | None,
        arises_with: str | None,
    ) -> None:
        """Ask one question over the step's days; a question whose fact is false does not arise."""
        if arises_with is not None and self.use.get(arises_with) is False:
            return
        applies_if = arises_with if arises_with and self.use.get(arises_with) is None else None

        def ask(day: date) -> Decision:
            return self.kb.ask(subject, action, on=day, **self.facts(subject, action, day, student))

        today = ask(self.assessed_on)
        boundaries: list[date] = []
        if first != last:
            periods = self.kb.history(subject, action, **self.all_facts(subject, student))
            boundaries = [p.start for p in periods] + [p.end for p in periods if p.end]
        for decision, until in over_days(first, last, boundaries, ask):
            step.judgements.append(Judgement(decision, until, today, applies_if))


def over_days(
    first: date, last: date, boundaries: list[date], ask: Callable[[date], Decision]
) -> list[tuple[Decision, date]]:
    """The answers over ``first..last`` (both included): one per stretch with the same answer.

    Answers change only on the boundaries of the question's history (``kb.history``),
    so the question is asked on ``first`` and on each boundary inside the stretch.
    """
    starts = [first, *sorted({day for day in boundaries if first < day <= last})]
    out: list[tuple[Decision, date]] = []
    for i, day in enumerate(starts):
        decision = ask(day)
        until = starts[i + 1] - timedelta(days=1) if i + 1 < len(starts) else last
        if out and same_answer(out[-1][0], decision):
            out[-1] = (out[-1][0], until)
        else:
            out.append((decision, until))
    return out
