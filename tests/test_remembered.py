"""Remembered (memoised) settled answers are the answers themselves, field for field.

``settle`` remembers a conditional answer per day class and facts that matter, what
each version says per the facts it reads, and the answer to each combination of
assumed facts per its basis; these tests ask the real archive many questions twice —
once through the memories, once on an index that keeps nothing — and require every
field of every ``Decision`` to match.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

import pytest

import tos_kb
from tos_kb.answer import decide
from tos_kb.answer.factspace import relevant_values
from tos_kb.answer.index import Index

FACT_SETS: list[dict[str, Any]] = [
    {},
    {"competing": True},
    {"competing": False, "commercial": True, "monthly_active_users": 10},
    {"student": "mistral-7b", "research": True},
    {"jurisdiction": "eea"},
]


@pytest.fixture(scope="module")
def real() -> tos_kb.KnowledgeBase:
    return tos_kb.load()


def _questions(kb: tos_kb.KnowledgeBase, count: int) -> list[tuple[str, str, date, dict[str, Any]]]:
    rng = random.Random(7)
    subjects = list(kb.index.subject_ids)
    actions = sorted(kb.index.parents)
    return [
        (
            rng.choice(subjects),
            rng.choice(actions),
            date(2022, 1, 1) + timedelta(days=rng.randrange(1826)),
            rng.choice(FACT_SETS),
        )
        for _ in range(count)
    ]


class _Forgetful(dict[Any, Any]):
    """A memory that keeps nothing: every answer asked through it is worked out afresh."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


Question = tuple[str, str, date, dict[str, Any]]


def _fresh(index: Index, asked: list[Question], monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The answers (as dicts) with every memory of the index keeping nothing."""
    with monkeypatch.context() as patch:
        for memory in ("settled", "_outcomes", "assumed"):
            patch.setattr(index, memory, _Forgetful())
        return [decide.ask(index, s, a, d, f).to_dict() for s, a, d, f in asked]


def test_remembered_answers_equal_fresh_ones(
    real: tos_kb.KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = real.index
    index.forget()
    asked = _questions(real, 3000)
    remembered = [decide.ask(index, s, a, d, f).to_dict() for s, a, d, f in asked]
    assert index.settled, "conditional answers were remembered"
    assert remembered == _fresh(index, asked, monkeypatch)


def test_a_remembered_answer_carries_its_own_day(real: tos_kb.KnowledgeBase) -> None:
    index = real.index
    index.forget()
    first = decide.ask(index, "openai", "train-on-outputs", "2023-06-01", {})
    again = decide.ask(index, "openai", "train-on-outputs", "2023-06-02", {})
    assert first.verdict == again.verdict == "conditional"
    assert (first.on, again.on) == (date(2023, 6, 1), date(2023, 6, 2))
    again.reasons.append("changed by the caller")
    third = decide.ask(index, "openai", "train-on-outputs", "2023-06-03", {})
    assert "changed by the caller" not in third.reasons


def test_the_memory_is_not_pickled(real: tos_kb.KnowledgeBase) -> None:
    import pickle

    decide.ask(real.index, "openai", "train-on-outputs", "2023-06-01", {})
    assert real.index.settled
    assert real.index.assumed
    copy = pickle.loads(pickle.dumps(real.index))
    assert copy.settled == {}
    assert copy.assumed == {}


def _varied_questions(
    kb: tos_kb.KnowledgeBase, count: int
) -> list[tuple[str, str, date, dict[str, Any]]]:
    """Questions in groups that share subject, action and day and differ in one fact's value.

    Values come from the fact space of every condition in the archive (thresholds and the
    numbers beside them, named models and another one, every enum value, true and false),
    so a fact left out of :meth:`Index.facts_that_matter` that does matter would hand one
    question the remembered answer of its neighbour.
    """
    index = kb.index
    conditions = [
        c for s in index.subject_ids for a in index.parents for c in index.conditions_for(s, a)
    ]
    space = {
        name: [value for value, _ in relevant_values(spec, name, conditions)]
        for name, spec in index.fact_specs.items()
    }
    space["student"] += index.subject_ids[:3]
    rng = random.Random(11)
    subjects = list(index.subject_ids)
    actions = sorted(index.parents)
    names = sorted(space)
    asked: list[tuple[str, str, date, dict[str, Any]]] = []
    while len(asked) < count:
        subject, action = rng.choice(subjects), rng.choice(actions)
        day = date(2021, 1, 1) + timedelta(days=rng.randrange(2200))
        facts = {n: rng.choice(space[n]) for n in rng.sample(names, rng.randrange(5))}
        for _ in range(4):
            asked.append((subject, action, day, dict(facts)))
            name = rng.choice(names)
            facts[name] = rng.choice(space[name])
    return asked


def test_answers_remembered_by_the_facts_that_matter_equal_fresh_ones(
    real: tos_kb.KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = real.index
    index.forget()
    asked = _varied_questions(real, 4000)
    remembered = [decide.ask(index, s, a, d, f).to_dict() for s, a, d, f in asked]
    keys = {
        (s, a, index.day_class(s, d), frozenset(f.items()))
        for s, a, d, f in asked
        if f and not set(f) <= index.facts_that_matter(s, a, d)
    }
    assert keys, "some questions give facts that do not matter to them"
    assert remembered == _fresh(index, asked, monkeypatch)


def test_every_subject_action_and_change_day_remembered_equals_fresh(
    real: tos_kb.KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every basis of the archive (each subject and action on each day an answer can
    change), so that a fact left out of :meth:`Index.basis` shows wherever it matters."""
    index = real.index
    index.forget()
    asked = [
        (subject, action, day, facts)
        for subject in index.subject_ids
        for action in sorted(index.parents)
        for day in index.change_days(subject)
        for facts in FACT_SETS[:3]
    ]
    remembered = [decide.ask(index, s, a, d, f).to_dict() for s, a, d, f in asked]
    assert index.assumed, "combinations of assumed facts were remembered"
    assert remembered == _fresh(index, asked, monkeypatch)
