"""Conditions in plain words: every form, as `show`, explain() and the change summaries print it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import tos_kb
from tos_kb.cli import main
from tos_kb.records import conditions as cond
from tos_kb.records.wording import PLAIN, FactWording, Wording, show_value

KB = tos_kb.load()
WORDS = KB.index.wording


@pytest.mark.parametrize(
    ("raw", "plain", "worded"),
    [
        ({"competing": True}, "competing", "the model competes with OpenAI"),
        ({"competing": False}, "not competing", "the model does not compete with OpenAI"),
        (
            {"student": {"in": ["llama-2", "orca-2"]}},
            "student in llama-2 or orca-2",
            "student in Llama 2 or Orca 2",
        ),
        (
            {"student": {"not_in": ["llama-2", "orca-2"]}},
            "student not in llama-2 or orca-2",
            "student not in Llama 2 or Orca 2",
        ),
        ({"student": "llama-3"}, "student is llama-3", "student is Meta Llama 3"),
        ({"student": {"ne": "llama-3"}}, "student is not llama-3", "student is not Meta Llama 3"),
        (
            {"monthly_active_users": {"lte": 700_000_000}},
            "monthly_active_users is at most 700,000,000",
            "you have at most 700,000,000 monthly active users",
        ),
        (
            {"monthly_active_users": {"lt": 100}},
            "monthly_active_users is fewer than 100",
            "you have fewer than 100 monthly active users",
        ),
        (
            {"monthly_active_users": {"gt": 700_000_000}},
            "monthly_active_users is more than 700,000,000",
            "you have more than 700,000,000 monthly active users",
        ),
        (
            {"monthly_active_users": {"gte": 1_000}},
            "monthly_active_users is at least 1,000",
            "you have at least 1,000 monthly active users",
        ),
        (
            {"monthly_active_users": {"eq": 5}},
            "monthly_active_users is exactly 5",
            "you have exactly 5 monthly active users",
        ),
        (
            {"monthly_active_users": {"ne": 5}},
            "monthly_active_users is other than 5",
            "you have other than 5 monthly active users",
        ),
        (
            {"jurisdiction": {"in": ["eea", "switzerland", "uk"]}},
            "jurisdiction in eea, switzerland or uk",
            "you are established in the EEA, Switzerland or the UK",
        ),
        (
            {"jurisdiction": {"not_in": ["eea"]}},
            "jurisdiction is not eea",
            "you are not established in the EEA",
        ),
        (
            {"all": [{"commercial": False}, {"research": True}]},
            "not commercial and research",
            "the use is not commercial and the use is research only",
        ),
        (
            {"any": [{"monthly_active_users": {"lte": 700_000_000}}, {"authorised": True}]},
            "monthly_active_users is at most 700,000,000 or authorised",
            "you have at most 700,000,000 monthly active users "
            "or OpenAI has expressly authorised it",
        ),
        ({"not": {"authorised": True}}, "not authorised", "OpenAI has not expressly authorised it"),
        (
            {"not": {"all": [{"output_modality": "image"}, {"competing": True}]}},
            "output_modality is not image or not competing",
            "the outputs used are not images or the model does not compete with OpenAI",
        ),
        (
            {
                "all": [
                    {"competing": True},
                    {
                        "not": {
                            "any": [
                                {"model_purpose": "classify-embed", "distributes": False},
                                {"student": {"in": ["openai-api"]}},
                            ]
                        }
                    },
                ]
            },
            "competing and (model_purpose is not classify-embed or distributes) "
            "and student is not openai-api",
            "the model competes with OpenAI and (the model is not built primarily to classify, "
            "categorise or organise data or the model or data is made available to third parties) "
            "and student is not OpenAI API",
        ),
    ],
)
def test_every_condition_form_reads_in_words(raw: dict, plain: str, worded: str) -> None:
    """Lists, comparisons, all/any/not (negations pushed down), with and without vocabulary."""
    c = cond.parse(raw)
    assert plain == PLAIN.condition(c)
    assert WORDS.condition(c, "OpenAI") == worded


def test_negated_reads_when_rights_are_withheld() -> None:
    """A precondition's failure reads as a lawyer writes it."""
    c = cond.parse({"any": [{"monthly_active_users": {"lte": 700_000_000}}, {"authorised": True}]})
    assert WORDS.negated(c, "Meta") == (
        "you have more than 700,000,000 monthly active users "
        "and Meta has not expressly authorised it"
    )


def test_numbers_have_thousands_separators() -> None:
    assert show_value(700_000_000) == "700,000,000"
    assert show_value(True) == "true" and show_value("llama-2") == "llama-2"


def test_value_labels_and_names() -> None:
    """An enum value's label and a subject's name replace the id; others stay as written."""
    words = Wording({"f": FactWording(template="f is {}", values={"a": "Alpha"})}, {"s": "Ess"})
    assert words.value("f", "a") == "Alpha" and words.value("g", "s") == "Ess"
    assert words.value("g", "zz") == "zz"


def run_show(ref: str) -> str:
    result = CliRunner().invoke(main, ["show", ref])
    assert result.exit_code == 0, result.output
    return result.output


def test_show_prints_lists_and_preconditions_in_full() -> None:
    """Llama 2: the student list and the 700 million users precondition are printed."""
    out = run_show("meta/llama-2-license@2023-07-18")
    assert "train-on-outputs if student not in Llama 2 or Orca 2 §1.b.v" in out
    assert (
        "precondition (every action): rights are withheld unless you have at most "
        "700,000,000 monthly active users or Meta Platforms, Inc. has expressly authorised it"
    ) in out


def test_show_prints_nested_conditions_in_full() -> None:
    """The OpenAI Services Agreement's Permitted Exceptions, nested all/any/not, in full."""
    out = " ".join(run_show("openai/business-terms@2026-01-01").split())
    assert "student is not OpenAI API §3.3(e)" in out
    assert "when student in" not in out and " in §" not in out


def test_show_prints_every_condition_of_every_version() -> None:
    """For every archived version, `show` prints each rule's condition in the same words."""
    for record in KB.versions()[::7]:
        key = f"{record.document}@{record.version}"
        out = " ".join(run_show(key).split())
        for rule in record.rules:
            if rule.parsed_when is not None:
                assert KB.index.words(rule.parsed_when, record.document) in out, (key, rule)
        for pre in record.preconditions:
            assert KB.index.words(pre.parsed_unless, record.document) in out, key
