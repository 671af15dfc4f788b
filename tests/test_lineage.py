"""Pipeline lineage: each step judged on its own date, the final use flowing upstream, stacking."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from kbbuilder import (
    ACME_TERMS_V1,
    ACME_TERMS_V2,
    acme_rules_v1,
    acme_rules_v2,
    default_spec,
    write_kb,
)
from kbbuilder import version as kb_version

import tos_kb
from tos_kb.lineage import check_pipeline
from tos_kb.lineage.report import PipelineReport
from tos_kb.lineage.steps import Node, Step

ASSESSED = "2024-06-01"


def manifest(*artefacts: dict[str, Any], ships: str = "m", **use: Any) -> str:
    """A manifest's YAML text: the artefacts given, shipping ``ships`` with ``use``."""
    competes_with = use.pop("competes_with", None)
    use.setdefault("jurisdiction", "rest-of-world")  # the fictional policy governs only the EEA
    use.setdefault("commercial", False)  # the fictional licence is silent on some uses
    use.setdefault("distributes", False)
    use = {k: v for k, v in use.items() if v is not None}
    data: dict[str, Any] = {
        "pipeline": "test",
        "ships": ships,
        "assessed_on": ASSESSED,
        "use": {"facts": use}
        | ({"competes_with": competes_with} if competes_with is not None else {}),
        "artefacts": list(artefacts),
    }
    return yaml.safe_dump(data, sort_keys=False)


def generated(dataset: str, subject: str | None, when: Any, **extra: Any) -> dict[str, Any]:
    source: dict[str, Any] = {"kind": "generated", **extra}
    if subject is not None:
        source["subject"] = subject
    if when is not None:
        source["generated"] = when
    return {"id": dataset, "kind": "dataset", "sources": [source]}


def model(model_id: str, base: dict[str, Any] | None, data: list[str], when: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": model_id, "kind": "model", "trained_on": data}
    if base is not None:
        out["base"] = base
    if when is not None:
        out["trained"] = when
    return out


def step(report: PipelineReport, kind: str, artefact: str) -> Step:
    """The one step of ``kind`` belonging to ``artefact``."""
    (found,) = [s for s in report.steps if s.kind == kind and s.artefact == artefact]
    return found


def test_each_answer_is_exactly_what_ask_returns(kb: tos_kb.KnowledgeBase) -> None:
    """Every judgement in a report is kb.ask's decision for its question: nothing invented."""
    text = manifest(
        generated("d", "acme-api", "2023-06-01"),
        model("m", {"subject": "zeta"}, ["d"], "2023-08-01"),
        competing=False,
        monthly_active_users=10,
    )
    report = check_pipeline(text, kb)
    judgements = [j for s in report.steps for j in s.judgements]
    assert judgements
    for j in judgements:
        d = j.decision
        again = kb.ask(d.subject, d.action, on=d.on, **d.facts)
        assert again.to_dict() == d.to_dict()


def test_generation_is_judged_on_its_date_with_the_use_facts(kb: tos_kb.KnowledgeBase) -> None:
    """The final use's competing fact reaches the teacher's question, on the generation day."""
    source = generated("d", "acme-api", "2023-06-01")
    target = model("m", {"subject": "zeta"}, ["d"], "2023-08-01")
    free = check_pipeline(manifest(source, target, competes_with=[]), kb)
    banned = check_pipeline(manifest(source, target, competes_with=["acme"]), kb)
    (j_free,) = [
        j
        for j in step(free, "generation", "d").judgements
        if j.decision.action == "train-on-outputs"
    ]
    (j_banned,) = [
        j
        for j in step(banned, "generation", "d").judgements
        if j.decision.action == "train-on-outputs"
    ]
    assert j_free.decision.on == date(2023, 6, 1)
    assert (j_free.decision.facts["competing"], j_free.decision.verdict) == (False, "permitted")
    assert (j_banned.decision.facts["competing"], j_banned.decision.verdict) == (True, "prohibited")
    assert banned.verdict == "prohibited"


@pytest.mark.parametrize(
    ("base", "student", "verdict"),
    [
        ({"subject": "zeta-7b"}, "zeta", "permitted"),
        ({"subject": "other-model"}, "other-model", "prohibited"),
        (None, "another-model", "prohibited"),
    ],
)
def test_the_student_is_the_root_of_the_model_fed(
    kb: tos_kb.KnowledgeBase, base: dict[str, str] | None, student: str, verdict: str
) -> None:
    """A generation step's student is the root base subject of the model it feeds."""
    target = model("m", base, ["d"], "2023-08-01")
    if base is None:
        target["from_scratch"] = True
    report = check_pipeline(
        manifest(generated("d", "zeta", "2023-08-01"), target, monthly_active_users=10), kb
    )
    gen = step(report, "generation", "d")
    (train,) = [j for j in gen.judgements if j.decision.action == "train-on-outputs"]
    assert gen.student == student
    assert (train.decision.facts["student"], train.decision.verdict) == (student, verdict)


def test_unknown_base_leaves_the_student_open(kb: tos_kb.KnowledgeBase) -> None:
    """Without the base of the model fed, the student is not assumed: the answer turns on it."""
    report = check_pipeline(
        manifest(
            generated("d", "zeta", "2023-08-01"),
            model("m", None, ["d"], "2023-08-01"),
            monthly_active_users=10,
        ),
        kb,
    )
    (train,) = [
        j
        for j in step(report, "generation", "d").judgements
        if j.decision.action == "train-on-outputs"
    ]
    assert train.decision.verdict == "conditional"
    assert "student" in train.decision.missing_facts
    assert step(report, "weights", "m").to_supply
    assert report.verdict == "unknown"


def test_duty_persists_after_a_further_fine_tune(kb: tos_kb.KnowledgeBase) -> None:
    """Data from a teacher with a duty trains m1; m2 fine-tuned from m1 still carries the duty."""
    report = check_pipeline(
        manifest(
            generated("d", "zeta", "2023-08-01"),
            model("m1", {"subject": "zeta"}, ["d"], "2023-08-02"),
            model("m", {"artefact": "m1"}, [], "2023-09-01"),
            monthly_active_users=10,
        ),
        kb,
    )
    assert report.verdict == "permitted"
    assert ("zeta", "name it after Zeta") in {(d.subject, d.text) for d in report.duties}


def test_competing_ban_persists_however_many_steps_later(kb: tos_kb.KnowledgeBase) -> None:
    """API data banned for competing models keeps the model prohibited three models later."""
    report = check_pipeline(
        manifest(
            generated("d", "acme-api", "2023-06-01"),
            model("m1", {"subject": "zeta"}, ["d"], "2023-08-01"),
            model("m2", {"artefact": "m1"}, [], "2023-09-01"),
            model("m", {"artefact": "m2"}, [], "2023-10-01"),
            competes_with=["acme"],
            monthly_active_users=10,
        ),
        kb,
    )
    assert report.verdict == "prohibited"
    (path,) = report.decided_by()
    assert [item.label.split(" ")[0] for item in path[:4]] == ["m", "m2", "m1", "d"]


def test_base_licence_conditions_inherit_down_the_chain(kb: tos_kb.KnowledgeBase) -> None:
    """A model built on a zeta fine-tune is judged by zeta's licence on its own training date."""
    report = check_pipeline(
        manifest(
            model("m1", {"subject": "zeta"}, [], "2023-08-01"),
            model("m", {"artefact": "m1"}, [], "2023-09-01"),
            monthly_active_users=800_000_000,
            authorised=False,
        ),
        kb,
    )
    weights = step(report, "weights", "m")
    assert weights.subject == "zeta"
    assert {j.decision.on for j in weights.judgements} == {date(2023, 9, 1)}
    assert weights.verdict == "prohibited"  # the 700M-user precondition of the base licence
    assert report.verdict == "prohibited"


def test_retroactivity_flags_terms_that_tightened(kb: tos_kb.KnowledgeBase) -> None:
    """Permitted when generated, prohibited under today's terms: flagged, verdict unchanged."""
    report = check_pipeline(
        manifest(
            generated("d", "acme-api", "2023-06-01"),
            model("m", {"subject": "zeta"}, ["d"], "2023-08-01"),
            competing=False,
            monthly_active_users=10,
        ),
        kb,
    )
    flagged = {j.decision.action: j.change for _, j in report.changes}
    assert flagged == {"train-on-outputs": "stricter today"}
    assert step(report, "generation", "d").verdict == "permitted"


def test_retroactivity_flags_terms_that_loosened(tmp_path: Path) -> None:
    """Prohibited when generated, permitted under today's terms: flagged, still prohibited."""
    spec = default_spec()
    spec["documents"]["acme/terms"]["versions"] = [
        kb_version("acme/terms", "2023-03-14", ACME_TERMS_V2, acme_rules_v2()),
        kb_version("acme/terms", "2024-01-31", ACME_TERMS_V1, acme_rules_v1()),
    ]
    kb = tos_kb.load(write_kb(tmp_path, spec))
    report = check_pipeline(
        manifest(
            generated("d", "acme-api", "2023-06-01"),
            model("m", {"subject": "zeta"}, ["d"], "2023-08-01"),
            competing=False,
            monthly_active_users=10,
        ),
        kb,
    )
    (change,) = report.changes
    assert change[1].change == "laxer today"
    assert (change[1].decision.verdict, change[1].today.verdict) == ("prohibited", "permitted")
    assert report.verdict == "prohibited"


def test_a_date_range_is_judged_on_each_stretch_and_counts_by_the_worst(
    kb: tos_kb.KnowledgeBase,
) -> None:
    """Data generated over a range that spans a change of terms gets one answer per stretch."""
    report = check_pipeline(
        manifest(
            generated("d", "acme-api", {"from": "2024-01-01", "until": "2024-02-15"}),
            model("m", {"subject": "zeta"}, ["d"], "2024-03-01"),
            competing=False,
            monthly_active_users=10,
        ),
        kb,
    )
    train = [
        j
        for j in step(report, "generation", "d").judgements
        if j.decision.action == "train-on-outputs"
    ]
    assert [(j.decision.on, j.until, j.decision.verdict) for j in train] == [
        (date(2024, 1, 1), date(2024, 1, 30), "permitted"),
        (date(2024, 1, 31), date(2024, 2, 15), "prohibited"),
    ]
    assert step(report, "generation", "d").verdict == "prohibited"


def test_a_mixture_is_judged_by_its_worst_source_and_names_it(kb: tos_kb.KnowledgeBase) -> None:
    """Of a human, a permitted and a prohibited source, the prohibited one decides and is named."""
    mixture = {
        "id": "d",
        "kind": "dataset",
        "sources": [
            {"kind": "human", "description": "written by us"},
            {"kind": "generated", "subject": "zeta", "generated": "2023-08-01"},
            {"kind": "generated", "subject": "acme-api", "generated": "2023-06-01"},
        ],
    }
    report = check_pipeline(
        manifest(
            mixture,
            model("m", {"subject": "zeta"}, ["d"], "2023-09-01"),
            competes_with=["acme"],
            monthly_active_users=10,
        ),
        kb,
    )
    node = next(i for i in report.tree.items if isinstance(i, Node))
    assert node.verdict == "prohibited"
    assert isinstance(node.deciding, Step) and node.deciding.label.startswith("source 3:")
    assert "worst source: source 3: outputs of acme-api" in report.render("text")


@pytest.mark.parametrize(
    ("source", "wanted"),
    [
        ({"kind": "generated", "subject": "acme-api"}, "when it was generated"),
        (
            {"kind": "generated", "generated": "2023-06-01"},
            "the service or model that generated it",
        ),
        ({"kind": "licensed", "licence": "CC-BY-NC-4.0"}, "an assessment of CC-BY-NC-4.0"),
    ],
)
def test_unknown_provenance_is_unknown_and_says_what_to_supply(
    kb: tos_kb.KnowledgeBase, source: dict[str, Any], wanted: str
) -> None:
    """No date, no origin, or an unrecorded licence: unknown, with what to supply."""
    report = check_pipeline(
        manifest(
            {"id": "d", "kind": "dataset", "sources": [source]},
            model("m", {"subject": "zeta"}, ["d"], "2023-09-01"),
            competing=False,
            monthly_active_users=10,
        ),
        kb,
    )
    assert report.verdict == "unknown"
    assert any(wanted in item for _, item in report.to_supply)


def test_a_model_without_a_training_date_is_unknown(kb: tos_kb.KnowledgeBase) -> None:
    """The base licence cannot be asked without the training date: unknown, with what to supply."""
    report = check_pipeline(manifest(model("m", {"subject": "zeta"}, [], None)), kb)
    assert report.verdict == "unknown"
    assert [item for _, item in report.to_supply] == ["when m was trained (trained: ...)"]


def test_a_use_question_that_needs_a_missing_fact_makes_the_answer_conditional(
    kb: tos_kb.KnowledgeBase,
) -> None:
    """Without `commercial`, the commercial-use questions count as conditional at most."""
    report = check_pipeline(
        manifest(
            generated("d", "acme-api", "2023-06-01"),
            model("m", {"subject": "zeta"}, ["d"], "2023-08-01"),
            competing=False,
            monthly_active_users=10,
            commercial=None,
        ),
        kb,
    )
    arising = [j for s in report.steps for j in s.judgements if j.applies_if]
    assert {j.decision.action for j in arising} >= {
        "commercial-use",
        "commercial-use-of-distilled-data",
    }
    assert all(j.applies_if == "commercial" for j in arising if "commercial" in j.decision.action)
    unanswered = [j for j in arising if j.decision.verdict != "permitted"]
    assert unanswered and all(j.counted == "conditional" for j in unanswered)
    assert "commercial" in report.missing_facts


def test_json_report_carries_every_decision(kb: tos_kb.KnowledgeBase) -> None:
    """The JSON report holds each decision as ask --json prints it, and the overall verdict."""
    import json

    report = check_pipeline(
        manifest(
            generated("d", "acme-api", "2023-06-01"),
            model("m", {"subject": "zeta"}, ["d"], "2023-08-01"),
            competes_with=["acme"],
            monthly_active_users=10,
        ),
        kb,
    )
    data = json.loads(report.render("json"))
    assert data["verdict"] == "prohibited"
    dataset = data["tree"]["items"][1]
    judgement = dataset["items"][0]["judgements"][0]
    assert judgement["decision"] == report.steps[-1].judgements[0].decision.to_dict()
