"""The condition language: parsing with clear errors, three-valued evaluation."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tos_kb.records import conditions as cond
from tos_kb.records.wording import PLAIN


def test_shorthand_and_operators() -> None:
    """Equality shorthand, list and numeric operators evaluate as written."""
    c = cond.parse(
        {
            "all": [
                {"competing": True},
                {"monthly_active_users": {"lte": 700}},
                {"student": {"not_in": ["llama-2"]}},
            ]
        }
    )
    assert (
        c.evaluate({"competing": True, "monthly_active_users": 700, "student": "mistral-7b"})
        is True
    )
    assert (
        c.evaluate({"competing": True, "monthly_active_users": 701, "student": "mistral-7b"})
        is False
    )


def test_missing_fact_is_unknown_unless_decided_elsewhere() -> None:
    """A missing fact makes a test unknown; any/all still decide when they can."""
    c = cond.parse({"any": [{"monthly_active_users": {"lte": 700}}, {"authorised": True}]})
    assert c.evaluate({}) is None
    assert c.evaluate({"authorised": True}) is True
    assert c.evaluate({"monthly_active_users": 1000}) is None
    assert cond.missing_facts(c, {"monthly_active_users": 1000}) == ["authorised"]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"student": {"nope": 1}}, "unknown operator 'nope'"),
        ({"all": []}, "'all' takes a non-empty list"),
        ({"n": {"lt": "ten"}}, "'lt' compares numbers"),
        ({"student": ["a"]}, "write {student: {in: [...]}}"),
        ([], "a condition is a mapping"),
    ],
)
def test_bad_conditions_say_what_is_wrong(raw: object, message: str) -> None:
    """Malformed conditions are rejected with a message that says how to fix them."""
    with pytest.raises(
        cond.ConditionError,
        match=message.replace("[", r"\[").replace("{", r"\{").replace("(", r"\("),
    ):
        cond.parse(raw)


def test_describe_is_readable() -> None:
    """Conditions read as plain words in explanations."""
    c = cond.parse({"any": [{"monthly_active_users": {"lte": 700_000_000}}, {"authorised": True}]})
    assert PLAIN.condition(c) == "monthly_active_users is at most 700,000,000 or authorised"


truth = st.sampled_from([True, False, None])


@given(truth, truth)
def test_kleene_logic(a: bool | None, b: bool | None) -> None:
    """all/any/not follow Kleene's three-valued logic."""
    facts = {k: v for k, v in {"competing": a, "research": b}.items() if v is not None}
    both = cond.parse({"all": [{"competing": True}, {"research": True}]}).evaluate(facts)
    either = cond.parse({"any": [{"competing": True}, {"research": True}]}).evaluate(facts)
    negated = cond.parse({"not": {"competing": True}}).evaluate(facts)
    expect_and = False if False in (a, b) else (None if None in (a, b) else True)
    expect_or = True if True in (a, b) else (None if None in (a, b) else False)
    assert both is expect_and
    assert either is expect_or
    assert negated is (None if a is None else not a)
