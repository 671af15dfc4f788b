"""Answers a lawyer can sign: every case shown, the archive's horizon, why unknown."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

import tos_kb
from tos_kb.answer.decision import UNKNOWN_REASONS

KB = tos_kb.load()


def _change_day_questions() -> list[tuple[str, str, date]]:
    """Every subject x action on each day some answer can change (and the day before)."""
    found = []
    for subject_id in KB.index.subject_ids:
        for day in KB.index.change_days(subject_id):
            for action in KB.index.parents:
                found += [(subject_id, action, day), (subject_id, action, day - timedelta(1))]
    return found


QUESTIONS = _change_day_questions()


def test_every_unknown_answer_says_why() -> None:
    """An unknown verdict always carries one of the four machine-readable reasons."""
    seen = set()
    for subject, action, day in QUESTIONS:
        d = KB.ask(subject, action, on=day)
        if d.verdict == "unknown":
            assert d.unknown_reason in UNKNOWN_REASONS, (subject, action, day)
            seen.add(d.unknown_reason)
        else:
            assert d.unknown_reason is None
    assert seen == set(UNKNOWN_REASONS), f"the archive shows only {sorted(seen)}"


def test_every_case_is_settled_or_names_what_it_turns_on() -> None:
    """A case that stays conditional with every fact fixed names the outside condition."""
    checked = 0
    for subject, action, day in QUESTIONS:
        d = KB.ask(subject, action, on=day)
        for case in d.branches:
            checked += 1
            if case.verdict == "conditional":
                assert case.conditions, (subject, action, day, case)
    assert checked > 1000


def test_open_valued_facts_are_cases_too() -> None:
    """OpenAI 2025, competing: the cases cover the student partition (OpenAI's own or another)."""
    d = KB.ask("openai", "train-on-outputs", on="2025-03-01", competing=True)
    assert "student" in d.missing_facts
    assumptions = [b.assumption for b in d.branches]
    assert any("student = openai-api" in a for a in assumptions)
    assert any("student is another value" in a for a in assumptions)
    assert all(b.verdict != "conditional" for b in d.branches), d.explain()


def _governed_after_horizon(document: str) -> tuple[str, date] | None:
    """A subject this document governs unconditionally the day after its horizon, if any."""
    later = KB.index.horizon[document] + timedelta(days=1)
    for subject_id, ranges in KB.index.governance.items():
        for gov in ranges:
            if (
                gov.document == document
                and gov.when is None
                and gov.interval.contains(later)
                and gov.timeline.at(later) is not None
            ):
                return subject_id, later
    return None


HORIZON_CASES = [
    (document, found)
    for document in sorted(KB.index.horizon)
    if (found := _governed_after_horizon(document)) is not None
]


@pytest.mark.parametrize(("document", "found"), HORIZON_CASES)
def test_a_day_after_the_horizon_says_so(document: str, found: tuple[str, date]) -> None:
    """Answers after the last day the archive saw a document in force carry that caveat."""
    subject_id, later = found
    seen = KB.index.horizon[document]
    caveat = f"the archive last saw {document} on {seen}; later changes are not archived"
    assert caveat in KB.ask(subject_id, "train-on-outputs", on=later).caveats
    assert caveat not in KB.ask(subject_id, "train-on-outputs", on=seen).caveats


def test_horizon_cases_cover_most_governing_documents() -> None:
    """The horizon property is checked on most documents, not on a handful."""
    assert len(HORIZON_CASES) >= 30


def test_the_horizon_is_the_newest_retrieved_verified_or_checked_day() -> None:
    """A document's horizon is the last day the archive saw it in force."""
    for document, seen in KB.index.horizon.items():
        records = [e.record for e in KB.archive.versions[document]]
        days = [r.verified or r.retrieved for r in records]
        checked = KB.documents[document].last_checked
        assert seen == max([*days, *([checked] if checked else [])])


def test_why_unknown_appears_in_json_and_explain() -> None:
    """The reason is in to_dict() and in the words explain() prints."""
    d = KB.ask("openai", "train-on-outputs", on="2019-01-01")
    assert d.to_dict()["unknown_reason"] == "no-version-in-force"
    assert f"Why unknown: {UNKNOWN_REASONS['no-version-in-force']}" in d.explain()


def _tries(answer):  # (combo, decision) for every combination of two facts
    from datetime import date as day

    from tos_kb import Decision, Verdict

    choices = [
        [("a", True, "a"), ("a", False, "not a")],
        [("s", "x", "s = x"), ("s", "y", "s = y"), ("s", "other", "s is another value")],
    ]
    tried = []
    for first in choices[0]:
        for second in choices[1]:
            verdict = Verdict(answer(first[1], second[1]))
            d = Decision("z", "train-on-outputs", day(2024, 1, 1), {}, verdict)
            tried.append(((first, second), d))
    return choices, tried


def test_cases_split_only_where_answers_differ_and_group_equal_values() -> None:
    """A fact is split on only where it matters; values with the same cases are grouped."""
    from tos_kb.answer.decide import _cases

    choices, tried = _tries(lambda a, s: "permitted" if s in ("x", "y") or not a else "prohibited")
    cases = [(c.assumption, c.verdict.value) for c in _cases(choices, tried)]
    assert cases == [
        ("a and s is one of x, y", "permitted"),
        ("a and s is another value", "prohibited"),
        ("not a", "permitted"),
    ]


def test_a_fact_that_never_matters_is_not_split_on() -> None:
    """When only the second fact changes the answer, the cases name only it."""
    from tos_kb.answer.decide import _cases

    choices, tried = _tries(lambda a, s: "permitted" if s == "x" else "prohibited")
    cases = [(c.assumption, c.verdict.value) for c in _cases(choices, tried)]
    assert cases == [("s = x", "permitted"), ("s = y or s is another value", "prohibited")]
