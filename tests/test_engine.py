"""Point-in-time questions on the fictional knowledge base: verdict semantics end to end."""

from __future__ import annotations

from datetime import date

import pytest
from kbbuilder import excerpt_spec, write_kb

import tos_kb
from tos_kb import Verdict


def test_prohibited_when_the_deciding_fact_is_given(kb: tos_kb.KnowledgeBase) -> None:
    """A prohibition whose condition holds decides, citing its clause verbatim."""
    d = kb.ask("acme-api", "train-on-outputs", on="2023-06-01", competing=True)
    assert d.verdict == Verdict.PROHIBITED == "prohibited"
    [c] = d.citations
    assert (c.document, c.version, c.section) == ("acme/terms", "2023-03-14", "2")
    assert "compete with Example Corp" in (c.quote or "")


def test_conditional_names_the_missing_fact(kb: tos_kb.KnowledgeBase) -> None:
    """Without the deciding fact the answer is conditional and says which fact decides."""
    d = kb.ask("acme-api", "train-on-outputs", on="2023-06-01", jurisdiction="rest-of-world")
    assert d.verdict == Verdict.CONDITIONAL
    assert d.missing_facts == ["competing"]
    sides = {b.assumption: b.verdict for b in d.branches}
    assert sides == {"competing": Verdict.PROHIBITED, "not competing": Verdict.PERMITTED}
    assert [c.quote for c in d.citations] == [
        "You may not use Output to develop models that compete with Example Corp.",
        "you own the Output",
    ]  # both sides' clauses, the prohibiting one first


def test_permitted_when_no_prohibition_applies(kb: tos_kb.KnowledgeBase) -> None:
    """A permission that applies, with nothing against it, permits."""
    d = kb.ask(
        "acme", "train-on-outputs", on="2023-06-01", competing=False, jurisdiction="rest-of-world"
    )
    assert d.verdict == Verdict.PERMITTED
    assert d.citations[0].quote == "you own the Output"


@pytest.mark.parametrize(
    ("day", "version"),
    [
        ("2023-03-14", "2023-03-14"),  # first day of the first version
        ("2024-01-30", "2023-03-14"),  # last day before the next version
        ("2024-01-31", "2024-01-31"),  # first day of the next version
    ],
)
def test_half_open_intervals(kb: tos_kb.KnowledgeBase, day: str, version: str) -> None:
    """A version governs from its effective day until the next version's effective day."""
    d = kb.ask("acme-api", "scrape-outputs", on=day, jurisdiction="rest-of-world")
    assert d.consulted == [f"acme/terms@{version}"]


def test_before_any_version_is_unknown(kb: tos_kb.KnowledgeBase) -> None:
    """Before the first governing range the answer is unknown, never guessed."""
    d = kb.ask("acme-api", "train-on-outputs", on=date(2019, 1, 1), competing=True)
    assert d.verdict == Verdict.UNKNOWN
    assert d.citations == []


def test_silence_is_not_permission(kb: tos_kb.KnowledgeBase) -> None:
    """When every governing document is silent the answer is unknown."""
    d = kb.ask("acme-api", "build-eval-set", on="2023-06-01", jurisdiction="rest-of-world")
    assert d.verdict == Verdict.UNKNOWN
    assert any("silent" in r for r in d.reasons)


def test_forbid_overrides_across_documents(kb: tos_kb.KnowledgeBase) -> None:
    """A prohibition in the policy beats a permission in the terms."""
    d = kb.ask(
        "acme-api",
        "train-on-outputs",
        on="2023-06-01",
        competing=False,
        jurisdiction="eea",
        authorised=False,
    )
    assert d.verdict == Verdict.PROHIBITED
    assert [c.document for c in d.citations] == ["acme/policy"]


def test_scope_condition_of_a_governing_document(kb: tos_kb.KnowledgeBase) -> None:
    """A document that governs only in some jurisdictions makes the answer turn on it."""
    d = kb.ask("acme-api", "train-on-outputs", on="2023-06-01", competing=False, authorised=False)
    assert d.verdict == Verdict.CONDITIONAL
    assert "jurisdiction" in d.missing_facts


def test_later_version_tightens(kb: tos_kb.KnowledgeBase) -> None:
    """From 2024-01-31 the fictional terms forbid training on outputs outright."""
    d = kb.ask(
        "acme-api",
        "train-on-outputs",
        on="2024-02-01",
        competing=False,
        jurisdiction="rest-of-world",
    )
    assert d.verdict == Verdict.PROHIBITED


def test_child_action_inherits_parent_rules(kb: tos_kb.KnowledgeBase) -> None:
    """distill-logits has no rule of its own and is answered by train-on-outputs."""
    d = kb.ask("acme-api", "distill-logits", on="2023-06-01", competing=True)
    assert d.verdict == Verdict.PROHIBITED
    assert d.citations[0].action == "train-on-outputs"


def test_student_carve_out_and_obligations(kb: tos_kb.KnowledgeBase) -> None:
    """Training the licensed model itself is allowed with its duties; another model is not."""
    own = kb.ask(
        "zeta", "train-on-outputs", on="2023-08-01", student="zeta-7b", monthly_active_users=1_000
    )
    assert own.verdict == Verdict.PERMITTED
    assert own.obligations == ["name it after Zeta"]
    assert own.facts["student"] == "zeta"  # the alias was resolved
    other = kb.ask(
        "zeta",
        "train-on-outputs",
        on="2023-08-01",
        student="other-model",
        monthly_active_users=1_000,
    )
    assert other.verdict == Verdict.PROHIBITED


def test_precondition_threshold(kb: tos_kb.KnowledgeBase) -> None:
    """A licence-wide user threshold: conditional without the count, decided with it."""
    missing = kb.ask("zeta", "commercial-use", on="2023-08-01")
    assert missing.verdict == Verdict.CONDITIONAL
    assert missing.missing_facts == ["monthly_active_users", "authorised"]
    assert (
        kb.ask("zeta", "commercial-use", on="2023-08-01", monthly_active_users=700_000_000).verdict
        == Verdict.PERMITTED
    )
    over = kb.ask(
        "zeta",
        "commercial-use",
        on="2023-08-01",
        monthly_active_users=700_000_001,
        authorised=False,
    )
    assert over.verdict == Verdict.PROHIBITED
    assert over.citations[0].kind == "precondition"
    assert (
        kb.ask(
            "zeta",
            "commercial-use",
            on="2023-08-01",
            monthly_active_users=700_000_001,
            authorised=True,
        ).verdict
        == Verdict.PERMITTED
    )


def test_explain_gives_both_sides(kb: tos_kb.KnowledgeBase) -> None:
    """explain() says plainly what the answer is on each side of a threshold."""
    text = kb.ask("zeta", "commercial-use", on="2023-08-01", authorised=False).explain()
    assert "if monthly_active_users ≤ 700,000,000: permitted" in text
    assert "if monthly_active_users > 700,000,000: prohibited" in text


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda kb: kb.ask("acme-apj", "train-on-outputs", on="2023-06-01"),
            "unknown subject 'acme-apj'; did you mean 'acme-api'?",
        ),
        (
            lambda kb: kb.ask("acme", "train-on-output", on="2023-06-01"),
            "unknown action 'train-on-output'; did you mean 'train-on-outputs'?",
        ),
        (
            lambda kb: kb.ask("acme", "train-on-outputs", on="2023-06-01", compete=True),
            "unknown fact 'compete'; did you mean 'competing'?",
        ),
        (
            lambda kb: kb.ask("acme", "train-on-outputs", on="2023-06-01", competing="yes"),
            "fact 'competing' takes true or false",
        ),
        (
            lambda kb: kb.ask("acme", "train-on-outputs", on="June 2023"),
            "'on' must be a date written YYYY-MM-DD",
        ),
    ],
)
def test_bad_names_raise_clear_errors(kb: tos_kb.KnowledgeBase, call, message: str) -> None:
    """Unknown names and bad values raise one clear error that lists what is valid."""
    with pytest.raises(ValueError) as err:
        call(kb)
    assert message in str(err.value)


def test_unknown_subject_lists_valid_ones(kb: tos_kb.KnowledgeBase) -> None:
    """The error for an unknown subject lists every valid subject."""
    with pytest.raises(tos_kb.UnknownNameError, match="Valid subjects: acme-api, other-model"):
        kb.ask("nothing-like-it", "train-on-outputs", on="2023-06-01")


def test_load_raises_on_broken_records(terms) -> None:
    """load() refuses a broken archive, listing every problem."""
    (terms / "acme/terms/document.yaml").write_text("id: acme/terms\nkind: nope\ntitle: x\n")
    with pytest.raises(tos_kb.KnowledgeBaseError, match="unknown document kind 'nope'"):
        tos_kb.load(terms)


def test_versions_in_date_order(kb: tos_kb.KnowledgeBase) -> None:
    """versions() lists every archived version, by document then date."""
    keys = [f"{r.document}@{r.version}" for r in kb.versions()]
    assert keys == [
        "acme/policy@2023-01-01",
        "acme/terms@2023-03-14",
        "acme/terms@2024-01-31",
        "zeta/license@2023-07-18",
    ]


def test_failed_precondition_does_not_turn_silence_into_prohibition(
    kb: tos_kb.KnowledgeBase,
) -> None:
    """Rights withheld above the threshold do not reach an action the licence is silent on."""
    over = {"monthly_active_users": 700_000_001, "authorised": False}
    assert kb.ask("zeta", "scrape-outputs", on="2023-08-01", **over).verdict == "unknown"
    assert kb.ask("zeta", "commercial-use", on="2023-08-01", **over).verdict == "prohibited"


def test_duties_of_a_conditional_rule_come_with_the_answer(tmp_path) -> None:
    """A conditional rule's obligations are listed with the conditional answer."""
    from kbbuilder import default_spec, write_kb

    spec = default_spec()
    rules = spec["documents"]["zeta/license"]["versions"][0]["record"]["rules"]
    rules[:] = [r for r in rules if r["action"] != "build-eval-set"]
    rules.append(
        {
            "action": "build-eval-set",
            "verdict": "conditional",
            "section": "3",
            "condition": "whether evaluation counts as a commercial purpose",
            "quote": "You may use the Zeta Materials for commercial purposes.",
            "obligations": ["keep the evaluation set internal"],
        }
    )
    d = tos_kb.load(write_kb(tmp_path, spec)).ask(
        "zeta", "build-eval-set", on="2023-08-01", monthly_active_users=5
    )
    assert d.verdict == "conditional"
    assert d.obligations == ["keep the evaluation set internal"]
    assert d.conditions == ["whether evaluation counts as a commercial purpose"]


def test_history_gives_one_period_per_answer(kb: tos_kb.KnowledgeBase) -> None:
    """history() splits the timeline where the answer or its deciding clause changes."""
    periods = kb.history(
        "acme-api", "train-on-outputs", competing=False, jurisdiction="rest-of-world"
    )
    assert [
        (str(p.start), str(p.end) if p.end else None, p.decision.verdict.value) for p in periods
    ] == [("2023-03-14", "2024-01-31", "permitted"), ("2024-01-31", None, "prohibited")]


def test_history_merges_equal_neighbours(kb: tos_kb.KnowledgeBase) -> None:
    """Days on which nothing changes for the question do not split the timeline."""
    [period] = kb.history("zeta", "fine-tune-weights", monthly_active_users=10)
    assert (str(period.start), period.end, period.decision.verdict) == (
        "2023-07-18",
        None,
        "permitted",
    )


def test_gap_is_unknown_with_the_versions_either_side(terms) -> None:
    """In a gap (a version withdrawn before the next archived one) the answer is unknown,
    and the reasons say what the archived versions on either side answer."""
    record = terms / "acme/terms/2023-03-14/record.yaml"
    record.write_text(
        record.read_text().replace("retrieved:", "withdrawn: '2023-06-01'\nretrieved:")
    )
    d = tos_kb.load(terms).ask(
        "acme-api",
        "train-on-outputs",
        on="2023-07-01",
        competing=True,
        jurisdiction="rest-of-world",
    )
    assert d.verdict == "unknown"
    assert any(
        r.endswith(
            "the archived versions on either side say: acme/terms@2023-03-14 "
            "prohibited, acme/terms@2024-01-31 prohibited"
        )
        for r in d.reasons
    )


@pytest.fixture
def excerpts(tmp_path) -> tos_kb.KnowledgeBase:
    """The fictional archive with a governing excerpt (see kbbuilder.excerpt_spec)."""
    return tos_kb.load(write_kb(tmp_path / "excerpts", excerpt_spec()))


def test_an_excerpt_silent_on_the_action_is_a_gap(
    kb: tos_kb.KnowledgeBase, excerpts: tos_kb.KnowledgeBase
) -> None:
    """A permission elsewhere does not decide what a governing excerpt does not show."""
    question = ("zeta", "fine-tune-weights", "2023-08-01")
    assert kb.ask(*question, monthly_active_users=10, commercial=True).verdict == "permitted"
    d = excerpts.ask(*question, monthly_active_users=10, commercial=True)
    assert (d.verdict, d.unknown_reason) == ("unknown", "excerpt-does-not-cover")
    assert d.citations == [] and d.obligations == []
    assert any("archived excerpt of acme/policy" in r for r in d.reasons)


def test_a_prohibition_decides_despite_an_excerpt_gap(excerpts: tos_kb.KnowledgeBase) -> None:
    d = excerpts.ask(
        "zeta",
        "train-on-outputs",
        "2023-08-01",
        student="other-model",
        monthly_active_users=10,
        commercial=True,
    )
    assert d.verdict == "prohibited"
    assert [c.key for c in d.citations] == ["zeta/license@2023-07-18"]


def test_a_complete_excerpt_silence_adds_nothing(excerpts: tos_kb.KnowledgeBase) -> None:
    """A silent rule marked excerpt_complete is the text's own silence, as in a full text."""
    d = excerpts.ask(
        "zeta", "commercial-use", "2023-08-01", monthly_active_users=10, commercial=True
    )
    assert d.verdict == "permitted"
    assert any(
        "complete excerpt: the fictional excerpt is the whole policy" in r for r in d.reasons
    )


def test_an_excerpt_that_may_not_govern_is_no_gap(excerpts: tos_kb.KnowledgeBase) -> None:
    """Like a missing version, an excerpt that governs only under facts not given is no gap;
    an excerpt that does not govern under the facts given is none either."""
    for facts in ({}, {"commercial": False}):
        d = excerpts.ask(
            "zeta", "fine-tune-weights", "2023-08-01", monthly_active_users=10, **facts
        )
        assert d.verdict == "permitted", facts


def test_an_excerpt_gap_leaves_each_case_to_a_prohibition(excerpts: tos_kb.KnowledgeBase) -> None:
    """With a fact missing, the cases are tried: where a prohibition applies it decides, the
    other cases stay unknown; a prohibition in every case decides the answer."""
    d = excerpts.ask("acme-api", "train-on-outputs", "2023-06-01", jurisdiction="eea")
    assert (d.verdict, d.missing_facts) == ("conditional", ["competing"])
    assert [(b.assumption, b.verdict) for b in d.branches] == [
        ("competing", "prohibited"),
        ("not competing", "unknown"),
    ]
    later = excerpts.ask("acme-api", "train-on-outputs", "2024-06-01", jurisdiction="eea")
    assert later.verdict == "prohibited"
