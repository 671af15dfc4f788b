"""The shipped knowledge base answers the questions the project was built for.

These run the command line on the real archive, as a user would.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from tos_kb.cli import main


def ask(*args: str) -> dict:
    result = CliRunner().invoke(main, ["ask", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_openai_competing_model_clause_2023() -> None:
    """June 2023, a competing model: prohibited by the Terms of Use clause on competing models."""
    d = ask("openai", "train-on-outputs", "--on", "2023-06-01", "--fact", "competing=true")
    assert d["verdict"] == "prohibited"
    assert any(
        "compete with OpenAI" in (c.get("quote") or "") and c["document"] == "openai/terms-of-use"
        for c in d["citations"]
    )


def test_openai_without_the_competing_fact_is_conditional() -> None:
    """Without saying whether the model competes, the answer turns on that fact."""
    d = ask("openai", "train-on-outputs", "--on", "2023-06-01")
    assert d["verdict"] == "conditional"
    assert "competing" in d["missing_facts"]


def test_openai_before_the_archive_is_unknown() -> None:
    """In 2019 no archived version governs the API: unknown, not guessed."""
    d = ask("openai", "train-on-outputs", "--on", "2019-01-01", "--fact", "competing=true")
    assert d["verdict"] == "unknown"
    assert d["citations"] == []


def test_llama_31_outputs_train_another_model_with_name_prefix() -> None:
    """Llama 3.1 outputs may train Mistral 7B below 700M users, with the "Llama" prefix duty."""
    d = ask(
        "llama-3.1",
        "train-on-outputs",
        "--on",
        "2024-08-01",
        "--fact",
        "student=mistral-7b",
        "--fact",
        "monthly_active_users=1000000",
    )
    assert d["verdict"] == "permitted"
    assert any(
        "“Llama” at the beginning" in o or '"Llama" at the beginning' in o for o in d["obligations"]
    ), d["obligations"]


def test_llama_31_without_user_count_is_conditional_on_section_2() -> None:
    """Section 2 withholds every right above 700M monthly active users."""
    d = ask("llama-3.1", "train-on-outputs", "--on", "2024-08-01", "--fact", "student=mistral-7b")
    assert d["verdict"] == "conditional"
    assert "monthly_active_users" in d["missing_facts"]
    assert any(c["kind"] == "precondition" and c["section"] == "2" for c in d["citations"])


def test_llama_2_forbids_improving_other_llms_even_though_the_aup_is_silent() -> None:
    """Llama 2 s.1.b.v forbids improving a non-Llama model; the AUP says nothing of it."""
    d = ask(
        "llama-2",
        "train-on-outputs",
        "--on",
        "2023-09-01",
        "--fact",
        "student=mistral-7b",
        "--fact",
        "monthly_active_users=10",
    )
    assert d["verdict"] == "prohibited"
    assert [c["section"] for c in d["citations"]] == ["1.b.v"]
    assert any("llama-2-aup" in r and "silent" in r for r in d["reasons"])


def test_only_facts_that_change_the_answer_are_missing() -> None:
    """ChatGPT users in and outside Europe are under different terms that agree on training:
    the answer turns on competing only, not on where the user lives. (A non-competing model is
    unknown: the Service Terms in force are archived only as an excerpt silent on training.)"""
    d = ask("chatgpt", "train-on-outputs", "--on", "2024-06-01")
    assert d["verdict"] == "conditional"
    assert d["missing_facts"] == ["competing"]
    assert {b["assumption"]: b["verdict"] for b in d["branches"]} == {
        "competing": "prohibited",
        "not competing": "unknown",
    }
