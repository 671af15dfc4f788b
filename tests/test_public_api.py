"""The public facade is a contract: changing it must be a deliberate act."""

from __future__ import annotations

import inspect

import tos_kb


def test_public_names_are_pinned() -> None:
    """tos_kb.__all__ lists exactly the public names other code relies on."""
    assert sorted(tos_kb.__all__) == [
        "Branch",
        "Citation",
        "Decision",
        "FactValueError",
        "KnowledgeBase",
        "KnowledgeBaseError",
        "PipelineReport",
        "Problem",
        "TosKbError",
        "UnknownNameError",
        "Verdict",
        "ask",
        "check_pipeline",
        "default_kb",
        "load",
    ]


def test_ask_signature() -> None:
    """ask takes subject, action, on and facts as keywords."""
    params = inspect.signature(tos_kb.KnowledgeBase.ask).parameters
    assert list(params)[:4] == ["self", "subject", "action", "on"]
    assert params["facts"].kind is inspect.Parameter.VAR_KEYWORD


def test_verdict_is_a_str_enum() -> None:
    """Verdicts compare equal to their plain strings."""
    assert tos_kb.Verdict.PERMITTED == "permitted"
    assert [v.value for v in tos_kb.Verdict] == [
        "permitted",
        "prohibited",
        "conditional",
        "unknown",
    ]
