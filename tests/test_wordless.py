"""Settling decides each combination of assumed facts without words; what it keeps of
those answers (verdict, duties, citations, conditions) must be what the worded answer says.

Asked on the real archive over many subjects, actions and days (gaps between versions
included), with every combination of the facts each answer leaves missing.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

import pytest

import tos_kb
from tos_kb.answer import decide


@pytest.fixture(scope="module")
def real() -> tos_kb.KnowledgeBase:
    return tos_kb.load()


def test_wordless_decide_keeps_what_settling_reads(real: tos_kb.KnowledgeBase) -> None:
    index = real.index
    rng = random.Random(11)
    subjects = sorted(index.subject_ids)
    actions = sorted(index.parents)
    compared = conditional = gaps = 0
    for _ in range(600):
        subject, action = rng.choice(subjects), rng.choice(actions)
        days = index.change_days(subject)  # where versions and gaps start and end
        day = rng.choice([*days, date(2019, 1, 1) + timedelta(days=rng.randrange(2900))])
        facts = rng.choice([{}, {"jurisdiction": "eea"}, {"commercial": False}])
        first = decide.decide(index, subject, action, day, dict(facts))
        choices = decide._choices(index, subject, action, day, first.missing_facts)
        conditional += bool(choices)
        gaps += first.unknown_reason in ("gap-between-versions", "no-version-in-force")
        for combo in itertools.islice(itertools.product(*choices), 40):
            assumed = dict(facts, **{name: value for name, value, _ in combo})
            worded = decide.decide(index, subject, action, day, assumed)
            bare = decide.decide(index, subject, action, day, assumed, words=False)
            assert decide._bare(bare) == decide._bare(worded), (subject, action, day, assumed)
            compared += 1
    assert (
        conditional > 20 and gaps > 20 and compared > 600
    )  # the cases that settling tries were reached
