"""Properties of the engine that hold for every date and every combination of facts."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from kbbuilder import write_kb

import tos_kb
from tos_kb.answer.evaluate import Outcome, combine
from tos_kb.records.conditions import facts_named
from tos_kb.records.models import RuleVerdict

_KB: dict[str, tos_kb.KnowledgeBase] = {}


def fictional_kb(tmp_path_factory) -> tos_kb.KnowledgeBase:
    if "kb" not in _KB:
        _KB["kb"] = tos_kb.load(write_kb(Path(tmp_path_factory.mktemp("kb"))))
    return _KB["kb"]


V1_START, V2_START = date(2023, 3, 14), date(2024, 1, 31)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.dates(min_value=V1_START, max_value=V2_START - timedelta(days=1)))
@example(V1_START)
@example(V2_START - timedelta(days=1))
def test_any_day_inside_an_interval_uses_that_version(tmp_path_factory, day: date) -> None:
    """Every day in [effective, next effective) is answered from that version."""
    kb = fictional_kb(tmp_path_factory)
    d = kb.ask("acme-api", "train-on-outputs", on=day, competing=True, jurisdiction="rest-of-world")
    assert d.consulted == ["acme/terms@2023-03-14"]
    assert d.verdict == "prohibited"


facts_strategy = st.fixed_dictionaries(
    {},
    optional={
        "competing": st.booleans(),
        "authorised": st.booleans(),
        "jurisdiction": st.sampled_from(["eea", "uk", "switzerland", "rest-of-world"]),
        "monthly_active_users": st.integers(0, 2_000_000_000),
        "student": st.sampled_from(["zeta", "other-model", "zeta-7b", "unlisted"]),
    },
)
irrelevant = st.fixed_dictionaries(
    {},
    optional={
        "research": st.booleans(),
        "distributes": st.booleans(),
        "output_modality": st.sampled_from(["text", "image"]),
        "attributable_revenue_usd": st.integers(0, 10**9),
    },
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=150)
@given(
    subject=st.sampled_from(["acme-api", "zeta"]),
    action=st.sampled_from(
        [
            "train-on-outputs",
            "commercial-use",
            "scrape-outputs",
            "distill-logits",
            "fine-tune-weights",
        ]
    ),
    day=st.dates(min_value=date(2022, 1, 1), max_value=date(2025, 12, 31)),
    facts=facts_strategy,
    extra=irrelevant,
)
def test_unmentioned_facts_never_change_the_verdict(
    tmp_path_factory, subject: str, action: str, day: date, facts: dict, extra: dict
) -> None:
    """A fact no deciding rule mentions cannot change the verdict."""
    kb = fictional_kb(tmp_path_factory)
    base = kb.ask(subject, action, on=day, **facts)
    more = kb.ask(subject, action, on=day, **facts, **extra)
    assert base.verdict == more.verdict
    assert base.citations == more.citations


verdicts = st.sampled_from(list(RuleVerdict))


@given(st.lists(verdicts, max_size=5), st.randoms())
def test_combining_documents_is_order_independent(items: list[RuleVerdict], rnd) -> None:
    """Combining documents' verdicts does not depend on their order."""
    outcomes = [Outcome(v) for v in items]
    shuffled = outcomes[:]
    rnd.shuffle(shuffled)
    assert combine(outcomes) == combine(shuffled)
    if RuleVerdict.PROHIBITED in items:
        assert combine(outcomes) == RuleVerdict.PROHIBITED


REAL = tos_kb.load()
REAL_SUBJECTS = [s.id for s in REAL.subjects()]
EXTRA_VALUES = {"boolean": st.booleans(), "integer": st.integers(0, 10**10)}


@settings(max_examples=200, deadline=None)
@given(
    subject=st.sampled_from(REAL_SUBJECTS),
    action=st.sampled_from(sorted(REAL.actions)),
    day=st.dates(min_value=date(2020, 1, 1), max_value=date(2026, 12, 31)),
    data=st.data(),
)
def test_real_archive_ignores_facts_no_condition_mentions(
    subject: str, action: str, day: date, data
) -> None:
    """On the shipped archive too, a fact no condition mentions never changes the answer."""
    mentioned = {name for c in REAL.conditions_for(subject, action, day) for name in facts_named(c)}
    spare = [
        f
        for f, spec in REAL.facts.items()
        if f not in mentioned and spec.type.value in EXTRA_VALUES
    ]
    extra = {f: data.draw(EXTRA_VALUES[REAL.facts[f].type.value]) for f in spare}
    base = REAL.ask(subject, action, on=day)
    more = REAL.ask(subject, action, on=day, **extra)
    assert (base.verdict, base.citations, base.obligations) == (
        more.verdict,
        more.citations,
        more.obligations,
    )


FACT_VALUES = {
    name: (
        st.booleans()
        if spec.type.value == "boolean"
        else st.integers(0, 2 * 10**9)
        if spec.type.value == "integer"
        else st.sampled_from(list(spec.values))
        if spec.values
        else st.sampled_from([*REAL_SUBJECTS, "another-model"])
    )
    for name, spec in REAL.facts.items()
}


@settings(max_examples=300, deadline=None)
@given(
    subject=st.sampled_from(REAL_SUBJECTS),
    action=st.sampled_from(sorted(REAL.actions)),
    day=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 1, 1)),
    facts=st.fixed_dictionaries({}, optional=FACT_VALUES),
)
def test_every_answer_carries_its_reasons(
    subject: str, action: str, day: date, facts: dict
) -> None:
    """Permitted and prohibited cite a clause; conditional says what it turns on."""
    d = REAL.ask(subject, action, on=day, **facts)
    if d.verdict in ("permitted", "prohibited"):
        own = [c for c in d.citations if c.kind in ("rule", "precondition")]
        assert own and all(c.quote for c in own)
        # A further quote (a definition, a referenced clause) is quoted unless the archived
        # text is an excerpt that does not reach it, and then it says why.
        assert all(c.quote or c.why for c in d.citations if c not in own)
    elif d.verdict == "conditional":
        assert d.missing_facts or d.conditions
    else:
        assert d.reasons
    assert all(c.source_url for c in d.citations)


_PIECES = st.lists(
    st.sampled_from(["a", "b", " ", "\n", "\u00a0", "'", "\u2019", '"', "\u201c", "ab"]),
    max_size=12,
).map("".join)


@given(_PIECES, _PIECES)
def test_contains_agrees_with_find(text: str, quote: str) -> None:
    """Validation's containment test says what locating the quote says, without the offset map."""
    from tos_kb.records.quotes import NormalisedText

    normal = NormalisedText(text)
    assert normal.contains(quote) == (normal.find(quote) is not None)
