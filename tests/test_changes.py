"""Diffs and the change timeline on the real archive, as the issue states them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import tos_kb
from tos_kb.cli import main
from tos_kb.diff.rules import Direction

KB = tos_kb.load()
MIRROR = {Direction.TIGHTENED: Direction.LOOSENED, Direction.LOOSENED: Direction.TIGHTENED}


def change(diff, action: str):
    return next(c for c in diff.rules if c.action == action)


def test_llama_3_to_31_loosens_training_for_other_students_with_naming_duty() -> None:
    """Across documents: the 1.b.v ban is gone; the 'Llama' prefix duty appears."""
    diff = KB.diff("meta/llama-3-license@2024-04-18", "meta/llama-3.1-license@2024-07-23")
    train = change(diff, "train-on-outputs")
    assert train.direction == Direction.LOOSENED
    witness = train.looser
    assert witness is not None
    assert witness.facts["student"] not in ("llama-3", "llama-3.1")
    assert (witness.old.verdict, witness.new.verdict) == ("prohibited", "permitted")
    assert any("“Llama” at the beginning" in duty for duty in train.obligations_added)


def test_falcon_40b_relicensing_loosens_commercial_use() -> None:
    """The move from the Falcon LLM Licence 1.0 to Apache 2.0 is a loosening event."""
    events = KB.changes(subject="falcon-40b", action="commercial-use")
    [event] = [e for e in events if e.kind == "governance"]
    assert event.direction == Direction.LOOSENED
    assert "oss/apache-2.0" in event.new and "falcon-llm-license-1.0" in event.old
    [change] = event.actions
    assert change.action == "commercial-use" and change.looser is not None
    assert (change.looser.old.verdict, change.looser.new.verdict) == ("prohibited", "permitted")
    assert "prohibited until 2023-05-30, permitted from 2023-05-31" in change.summary


def test_anthropic_usage_policy_training_clause_change_is_reported() -> None:
    """June 2024 -> September 2025: the training bullet is re-anchored to its new wording."""
    diff = KB.diff("anthropic/usage-policy@2024-06-06", "anthropic/usage-policy@2025-09-15")
    assert change(diff, "train-on-outputs").direction != Direction.UNCHANGED
    moved = [q for q in diff.quotes if q.action == "train-on-outputs" and q.status == "changed"]
    assert any(
        "model distillation" in (q.new_passage or "")
        and "prior authorization" in (q.new_passage or "")
        for q in moved
    )
    assert not diff.text.is_empty


@pytest.mark.parametrize(
    ("old", "new", "direction"),
    [
        ("xai/terms-of-service@2024-06-04", "xai/terms-of-service@2025-02-14", Direction.LOOSENED),
        ("xai/terms-of-service@2025-02-14", "xai/terms-of-service@2025-11-04", Direction.TIGHTENED),
    ],
)
def test_xai_consumer_terms_loosened_then_tightened(old: str, new: str, direction) -> None:
    """xAI's consumer terms narrowed the training ban in early 2025 and widened it in late 2025."""
    assert change(KB.diff(old, new, with_text=False), "train-on-outputs").direction == direction


def test_openai_competing_clause_2022_to_2023_tightened() -> None:
    """From 'foundation or large scale models' to any competing model: tightened."""
    diff = KB.diff("openai/terms-of-use@2022-12-28", "openai/terms-of-use@2023-03-14")
    train = change(diff, "train-on-outputs")
    assert train.direction == Direction.TIGHTENED
    assert train.tighter.facts.get("competing") is True
    moved = next(q for q in diff.quotes if "compete" in q.quote and q.status == "changed")
    assert moved.new_section == "2(c)(iii)"


def test_diff_by_document_and_dates() -> None:
    """diff(document, date1, date2) compares the versions in force on those days."""
    diff = KB.diff("openai/terms-of-use", "2023-06-01", "2024-06-01", with_text=False)
    assert (diff.old, diff.new) == (
        "openai/terms-of-use@2023-03-14",
        "openai/terms-of-use@2024-01-31",
    )


def test_quote_reanchoring_names_the_new_clause() -> None:
    """OpenAI's 2(c)(iii) competing clause moved to 'What You Cannot Do', bullet 7."""
    diff = KB.diff("openai/terms-of-use@2023-03-14", "openai/terms-of-use@2024-01-31")
    move = next(q for q in diff.quotes if q.old_section == "2(c)(iii)")
    assert move.status == "changed"
    assert move.new_section.endswith("What You Cannot Do › bullet 7")
    assert move.new_passage == "Use Output to develop models that compete with OpenAI."


def test_every_directional_change_has_a_witness() -> None:
    """Each tightening, loosening or mixed action change carries its witness facts."""
    events = KB.changes()
    changes = [c for e in events for c in e.actions]
    assert changes
    for c in changes:
        assert c.direction in (Direction.TIGHTENED, Direction.LOOSENED, Direction.MIXED), c
        if c.direction in (Direction.TIGHTENED, Direction.MIXED):
            assert c.tighter, c
        if c.direction in (Direction.LOOSENED, Direction.MIXED):
            assert c.looser, c
    assert [e.on for e in events] == sorted(e.on for e in events)


def test_changes_filters() -> None:
    """Filters by direction, subject and dates keep matching events, narrowed to them."""
    tightened = KB.changes(direction="tightened", since="2025-01-01")
    assert tightened and all(e.direction == "tightened" and e.on.year >= 2025 for e in tightened)
    assert all(c.direction == "tightened" for e in tightened for c in e.actions)
    training = KB.changes(action="train-on-outputs")
    assert training and all([c.action for c in e.actions] == ["train-on-outputs"] for e in training)
    with pytest.raises(ValueError, match="unknown direction"):
        KB.changes(direction="stricter")


KEYS = [
    f"{r.document}@{r.version}"
    for r in KB.versions()
    if KB.archive.kinds[KB.archive.documents[r.document].kind].governs
]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(KEYS))
def test_diff_of_a_version_with_itself_is_empty(key: str) -> None:
    """diff(a, a) has no text change and every action unchanged."""
    diff = KB.diff(key, key)
    assert diff.text.is_empty
    assert {c.direction for c in diff.rules} == {Direction.UNCHANGED}
    assert diff.direction == Direction.UNCHANGED


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(KEYS), st.sampled_from(KEYS))
def test_direction_of_b_to_a_mirrors_a_to_b(a: str, b: str) -> None:
    """Swapping the sides swaps tightened and loosened, action by action."""
    forward = KB.diff(a, b, with_text=False)
    backward = KB.diff(b, a, with_text=False)
    for f, r in zip(forward.rules, backward.rules, strict=True):
        assert r.direction == MIRROR.get(f.direction, f.direction), (a, b, f.action)


def test_cli_diff_formats() -> None:
    """`tos-kb diff` prints text, Markdown, JSON and HTML with the rule changes."""
    runner = CliRunner()
    args = ["diff", "meta/llama-3-license@2024-04-18", "meta/llama-3.1-license@2024-07-23"]
    text = runner.invoke(main, args)
    assert text.exit_code == 0, text.output
    assert "Train on outputs loosened from meta/llama-3-license@2024-04-18" in text.output
    data = json.loads(runner.invoke(main, [*args, "--format", "json"]).output)
    assert any(
        r["action"] == "train-on-outputs" and r["direction"] == "loosened" for r in data["rules"]
    )
    assert data["text"]["hunks"]
    html = runner.invoke(main, [*args, "--format", "html"]).output
    assert "<del" in html and "<script" not in html
    markdown = runner.invoke(main, [*args, "--format", "markdown"]).output
    assert markdown.startswith("# meta/llama-3-license@2024-04-18 → ")


def test_cli_changes_lists_tightenings() -> None:
    """`tos-kb changes --direction tightened` lists only tightenings, with witnesses."""
    result = CliRunner().invoke(main, ["changes", "--direction", "tightened", "--format", "json"])
    assert result.exit_code == 0, result.output
    events = json.loads(result.output)
    assert events and {e["direction"] for e in events} == {"tightened"}
    assert all(a["witnesses"] for e in events for a in e["actions"])


def test_llama_3_exception_is_gone_in_31_not_matched_to_another_clause() -> None:
    """§1.b.v and its "(excluding Meta Llama 3 ...)" left the text: both are reported gone."""
    diff = KB.diff("meta/llama-3-license@2024-04-18", "meta/llama-3.1-license@2024-07-23")
    moves = {q.quote: q for q in diff.quotes if q.old_section == "1.b.v"}
    assert moves["(excluding Meta Llama 3 or derivative works thereof)"].status == "gone"
    assert all(q.status == "gone" and q.new_passage is None for q in moves.values())


def test_reworded_list_item_keeps_the_negation_of_its_lead_in() -> None:
    """Mistral's "You must not use the Outputs ... to reverse engineer" became item (e) of a
    "You may not" list: matched, because the lead-in carries the "not"."""
    diff = KB.diff("mistral/terms-of-use@2024-05-22", "mistral/terms-of-service@2025-05-27")
    move = next(q for q in diff.quotes if q.quote.startswith("You must not use the Outputs"))
    assert move.status == "changed" and move.new_section.endswith("(e)")
    owner = next(q for q in diff.quotes if q.quote == "You are the sole owner of the Outputs.")
    assert owner.status == "gone"
