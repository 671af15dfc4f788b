"""Operative clauses: a rule whose quote points elsewhere quotes the clause it points to.

The validator flags a quote that only refers to another clause or leaves a
term to be defined elsewhere, unless the rule quotes that clause or
definition under ``see``; answers cite each further quote right after its
rule's own; and no rule of the shipped archive rests on a cross-reference
alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from kbbuilder import default_spec, silent, version, write_kb

import tos_kb
from tos_kb.records.crossrefs import POINTERS, pointers, unanswered
from tos_kb.records.loader import load_archive
from tos_kb.records.problems import Problem
from tos_kb.records.validate import check_structure, check_texts, coverage_of

REPO = Path(__file__).resolve().parent.parent

# A fictional licence whose outputs clause points to Section 3 and whose grant
# turns on a defined term (invented for tests).
ORION = """Orion Model Licence (fictional, for tests)
1. Definitions. "Orion Derivative" means any model fine-tuned from Orion or trained on its Output.
2. Grant. You may create Orion Derivatives.
3. Limitations. You shall only use Orion and Orion Derivatives for research.
4. Outputs. Any Output shall be subject to the restrictions set out in Section 3 of this Agreement.
"""
POINTER = "Any Output shall be subject to the restrictions set out in Section 3 of this Agreement."
RESTRICTION = "You shall only use Orion and Orion Derivatives for research."
DEFINITION = '"Orion Derivative" means any model fine-tuned from Orion or trained on its Output.'
RECORD = "orion/license/2024-01-01/record.yaml"


def orion_rules(see: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Rules of the fictional licence; ``see`` is given to the outputs rule (4)."""
    outputs: dict[str, Any] = {
        "action": "train-on-outputs",
        "verdict": "prohibited",
        "section": "4",
        "quote": POINTER,
    }
    if see is not None:
        outputs["see"] = see
    return [
        outputs,
        {
            "action": "fine-tune-weights",
            "verdict": "permitted",
            "section": "2",
            "quote": "You may create Orion Derivatives.",
            "see": [
                {
                    "kind": "definition",
                    "section": "1",
                    "quote": DEFINITION,
                    "why": "a fine-tuned model is an Orion Derivative",
                }
            ],
        },
        *silent(
            [
                "build-eval-set",
                "commercial-use-of-distilled-data",
                "commercial-use",
                "redistribute-weights",
                "scrape-outputs",
            ]
        ),
    ]


REFERENCED = {
    "kind": "referenced-clause",
    "section": "3",
    "quote": RESTRICTION,
    "why": "the Section 3 restriction that s.4 extends to Output",
}
DEFINED = {
    "kind": "definition",
    "section": "1",
    "quote": DEFINITION,
    "why": "a model trained on Output is an Orion Derivative",
}


def orion_kb(root: Path, see: list[dict[str, Any]] | None, coverage: str = "full") -> Path:
    spec = default_spec()
    spec["providers"]["orion"] = {"id": "orion", "name": "Orion Labs"}
    spec["documents"]["orion/license"] = {
        "kind": "model-licence",
        "versions": [
            version("orion/license", "2024-01-01", ORION, orion_rules(see), coverage=coverage)
        ],
    }
    spec["subjects"]["orion"] = {
        "id": "orion",
        "name": "Orion",
        "kind": "model",
        "provider": "orion",
        "governed_by": [
            {"document": "orion/license", "role": "licence", "from": "2024-01-01", "basis": "x"}
        ],
    }
    return write_kb(root, spec)


def problems_of(terms: Path) -> list[Problem]:
    archive = load_archive(terms)
    check_structure(archive)
    check_texts(archive)
    return archive.problems


def test_a_quote_that_only_points_elsewhere_is_flagged_with_the_fix(tmp_path: Path) -> None:
    """The contributor sees the file, line, field, the words that point, and how to fix it."""
    terms = orion_kb(tmp_path, see=None)
    [problem] = problems_of(terms)
    lines = (terms / RECORD).read_text().splitlines()
    assert problem.file == f"terms/{RECORD}"
    assert problem.line == next(i for i, s in enumerate(lines, 1) if "quote: Any Output" in s)
    assert problem.field == "rules[0].quote"
    assert problem.code == "cross-reference"
    assert problem.message == (
        "the quote points to another clause ('set out in Section 3') without quoting it"
    )
    assert problem.hint == (
        "quote the clause it points to under see: with kind: referenced-clause, section, "
        "quote (verbatim from the version's text) and why"
    )


def test_quoting_the_referenced_clause_clears_the_flag(tmp_path: Path) -> None:
    assert problems_of(orion_kb(tmp_path, see=[REFERENCED])) == []


def test_a_definition_does_not_answer_a_pointer_to_a_clause(tmp_path: Path) -> None:
    """The further quote must be of the kind the pointer needs."""
    [problem] = problems_of(orion_kb(tmp_path, see=[DEFINED]))
    assert problem.code == "cross-reference"
    assert problem.field == "rules[0].quote"


def test_a_further_quote_must_stand_verbatim_in_the_text(tmp_path: Path) -> None:
    wrong = {**REFERENCED, "quote": "You shall only use Orion for research."}
    [problem] = problems_of(orion_kb(tmp_path, see=[wrong]))
    assert problem.message == "quote not found verbatim in text.txt"
    assert problem.field == "rules[0].see[0].quote"
    assert problem.hint is not None and RESTRICTION[:40] in problem.hint


def test_a_further_quote_may_be_left_out_only_from_an_excerpt(tmp_path: Path) -> None:
    unquoted = {"kind": "referenced-clause", "section": "3", "why": "not in this copy"}
    [problem] = problems_of(orion_kb(tmp_path, see=[unquoted]))
    assert problem.message == (
        "a further quote needs its words: the text it cites is not an excerpt"
    )
    assert problem.field == "rules[0].see[0].quote"
    assert problems_of(orion_kb(tmp_path / "excerpt", see=[unquoted], coverage="excerpt")) == []


def test_answers_cite_further_quotes_right_after_their_rule(tmp_path: Path) -> None:
    kb = tos_kb.load(orion_kb(tmp_path, see=[REFERENCED, DEFINED]))
    d = kb.ask("orion", "train-on-outputs", on="2024-06-01")
    assert d.verdict == tos_kb.Verdict.PROHIBITED
    assert [(c.kind, c.quote, c.why) for c in d.citations] == [
        ("rule", POINTER, None),
        ("referenced-clause", RESTRICTION, REFERENCED["why"]),
        ("definition", DEFINITION, DEFINED["why"]),
    ]
    # A further quote belongs to the same version, action and verdict as its rule.
    assert {(c.key, c.action, c.verdict) for c in d.citations} == {
        ("orion/license@2024-01-01", "train-on-outputs", "prohibited")
    }
    text = d.explain()
    rule_at = text.index(f'"{POINTER}"')
    clause_at = text.index(f"↳ clause referred to §3: {REFERENCED['why']}")
    definition_at = text.index(f"↳ definition §1: {DEFINED['why']}")
    assert rule_at < clause_at < text.index(f'"{RESTRICTION}"') < definition_at
    as_json = d.to_dict()["citations"]
    assert [c["kind"] for c in as_json] == ["rule", "referenced-clause", "definition"]
    assert as_json[1]["why"] == REFERENCED["why"]


def test_an_unarchived_further_quote_is_said_to_be_missing(tmp_path: Path) -> None:
    unquoted = {"kind": "referenced-clause", "section": "3", "why": "Section 3 is not in this copy"}
    kb = tos_kb.load(orion_kb(tmp_path, see=[unquoted], coverage="excerpt"))
    d = kb.ask("orion", "train-on-outputs", on="2024-06-01")
    assert [c.kind for c in d.citations] == ["rule", "referenced-clause"]
    assert d.citations[1].quote is None
    assert (
        "(not in the archived text: the archived copy is an excerpt that does not reach it)"
        in d.explain()
    )


@pytest.mark.parametrize(
    ("quote", "kind"),
    [
        (
            "Any Outputs shall be subject to the restrictions set out in Section 3.",
            "referenced-clause",
        ),
        ("Subject to Section 3 below, Mistral AI hereby grants You", "referenced-clause"),
        ("as set forth in the Acceptable Use Policy", "referenced-clause"),
        ("the use restrictions referenced in Paragraph 5", "referenced-clause"),
        ("Your use is governed pursuant to Section 4.2", "referenced-clause"),
        ("the conditions described in Section 7", "referenced-clause"),
        ("in accordance with Section 2(b)", "referenced-clause"),
        ("use Output (as defined below) to develop", "definition"),
        ("Your Offerings (as defined in Section 6)", "definition"),
    ],
)
def test_pointer_phrases(quote: str, kind: str) -> None:
    assert kind in {p.kind for p, _ in pointers(quote)}


@pytest.mark.parametrize(
    "quote",
    [
        "Subject to your compliance with these Terms, you may access and use our Services.",
        "only in accordance with the terms of this Agreement",
        "You may not use the Services to develop models that compete with Gemini API.",
        "the rights granted under Section 1(a) of the Llama 3.2 Community License Agreement "
        "are not being granted to you",
    ],
)
def test_operative_clauses_are_not_pointers(quote: str) -> None:
    """Qualifiers over the whole agreement, and clauses that operate by themselves, pass."""
    assert pointers(quote) == []


def test_every_pointer_kind_is_a_see_kind() -> None:
    from tos_kb.answer.decision import SEE_KINDS

    assert {p.kind for p in POINTERS} <= set(SEE_KINDS)


def test_no_shipped_rule_rests_on_a_cross_reference_alone() -> None:
    """Every quote of terms/ that points elsewhere comes with the clause or definition it
    points to, quoted from the same version (or said to be beyond an excerpt)."""
    archive = load_archive(REPO / "terms")
    checked = 0
    for entries in archive.versions.values():
        for entry in entries:
            record = entry.record
            for owner in [*record.rules, *record.preconditions]:
                if not owner.quote or not pointers(owner.quote):
                    continue
                checked += 1
                assert unanswered(owner.quote, [s.kind for s in owner.see]) == [], (
                    entry.key,
                    owner.quote,
                )
                for further in owner.see:
                    assert further.quote or coverage_of(record, further.quote_file) == "excerpt"
    assert checked >= 10  # the audit found pointers in Mistral and OpenAI records


_PHRASE = (
    "subject to the terms of set out forth in as use restrictions limitations requirements "
    "of under contained referenced referred to pursuant described accordance with see "
    "defined below above herein Section clauses Paragraph Attachment (a) 3 A SEE Defined"
)
_WORDS = [*_PHRASE.split(" "), " ", "\n"]


@given(st.lists(st.sampled_from(_WORDS), max_size=10).map(" ".join))
def test_the_quick_search_misses_no_pointer(quote: str) -> None:
    """The one search that spares the ten finds a quote every pattern would find."""
    from tos_kb.records.crossrefs import _ANY

    assert _ANY.search(quote) or not any(p.pattern.search(quote) for p in POINTERS)
