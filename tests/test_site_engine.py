"""The Ask page's JavaScript engine answers exactly as Python does.

The site answers questions in the browser from the JSON export with
site/assets/engine.js. These tests run that file under node over the export
and compare its answers with ``KnowledgeBase.ask(...).to_dict()`` field by
field: every scenario in tests/scenarios/, a few hundred generated questions
across subjects, actions, dates and facts, and the fictional test archive.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_scenarios import ALL as SCENARIOS

import tos_kb
from tos_kb.answer.factspace import relevant_values
from tos_kb.sitegen.export import TOP_LEVEL_KEYS, build_export, to_json

REPO = Path(__file__).resolve().parent.parent
ENGINE = REPO / "site" / "assets" / "engine.js"
NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)

pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

RUNNER = r"""
const fs = require("fs");
const { Engine } = require(process.argv[2]);
const data = JSON.parse(fs.readFileSync(process.argv[3], "utf8"));
const questions = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const engine = new Engine(data);
const answers = questions.map((q) => {
  try {
    return engine.ask(q.subject, q.action, q.on, q.facts);
  } catch (e) {
    return { error: String(e.message) };
  }
});
process.stdout.write(JSON.stringify(answers));
"""


def run_js(kb: tos_kb.KnowledgeBase, questions: list[dict[str, Any]], tmp: Path) -> list[Any]:
    """Answers of the JS engine, run under node over ``kb``'s export."""
    (tmp / "runner.js").write_text(RUNNER)
    (tmp / "export.json").write_text(to_json(build_export(kb)), encoding="utf-8")
    (tmp / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    done = subprocess.run(
        [
            NODE,
            str(tmp / "runner.js"),
            str(ENGINE),
            str(tmp / "export.json"),
            str(tmp / "questions.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout)


def run_py(kb: tos_kb.KnowledgeBase, q: dict[str, Any]) -> dict[str, Any]:
    """Python's answer as plain JSON data."""
    d = kb.ask(q["subject"], q["action"], on=q["on"], **q["facts"])
    return json.loads(json.dumps(d.to_dict()))


def assert_same(kb: tos_kb.KnowledgeBase, questions: list[dict[str, Any]], tmp: Path) -> None:
    js = run_js(kb, questions, tmp)
    assert len(js) == len(questions)
    mismatches = []
    for q, answer in zip(questions, js, strict=True):
        expected = run_py(kb, q)
        if answer != expected:
            diff = {
                k: (expected.get(k), answer.get(k))
                for k in set(expected) | set(answer)
                if expected.get(k) != answer.get(k)
            }
            mismatches.append((q, diff))
    assert not mismatches, (
        f"{len(mismatches)} of {len(questions)} answers differ; first: {mismatches[0]}"
    )


def change_days(kb: tos_kb.KnowledgeBase, subject_id: str) -> list[date]:
    """Days on which the subject's answers may change, with the day before each."""
    days: set[date] = set()
    for gov in kb.subject(subject_id).governed_by:
        days.add(gov.from_)
        if gov.until:
            days.add(gov.until)
        for placed in kb.timeline(gov.document).placed:
            days.add(placed.interval.start)
            if placed.interval.end:
                days.add(placed.interval.end)
    return sorted(days | {d - timedelta(days=1) for d in days})


def generated_questions(kb: tos_kb.KnowledgeBase, count: int, seed: int = 7) -> list[dict]:
    """Questions across subjects, actions, change days and relevant facts (deterministic)."""
    rng = random.Random(seed)
    actions = list(kb.archive.actions)
    questions = []
    subjects = [s.id for s in kb.subjects()]
    for i in range(count):
        subject = subjects[i % len(subjects)]
        action = rng.choice(actions)
        days = change_days(kb, subject) or [date(2023, 6, 1)]
        day = rng.choice(days)
        conditions = kb.conditions_for(subject, action)
        facts: dict[str, Any] = {}
        for name, definition in kb.archive.facts.items():
            if rng.random() < 0.45:
                continue
            values = [v for v, _ in relevant_values(definition, name, conditions)]
            facts[name] = rng.choice(values)
        if "student" in facts and rng.random() < 0.3:
            facts["student"] = rng.choice([*kb.archive.subjects, "llama-2-7b", "gpt-x"])
        questions.append(
            {"subject": subject, "action": action, "on": day.isoformat(), "facts": facts}
        )
    return questions


@pytest.fixture(scope="module")
def shipped() -> tos_kb.KnowledgeBase:
    return tos_kb.load()


def test_export_has_the_documented_keys(shipped: tos_kb.KnowledgeBase) -> None:
    """The export's top-level keys are exactly those documented in TOP_LEVEL_KEYS."""
    data = build_export(shipped, with_changes=False)
    assert list(data) == list(TOP_LEVEL_KEYS)
    assert data["format"] == "tos-kb-export"
    json.dumps(data)


def test_scenarios_agree(shipped: tos_kb.KnowledgeBase, tmp_path: Path) -> None:
    """Every scenario gets the same verdict, missing facts, obligations and reasons in JS."""
    questions = [
        {
            "subject": s["subject"],
            "action": s["action"],
            "on": str(s["on"]),
            "facts": s.get("facts") or {},
        }
        for s in SCENARIOS
    ]
    assert questions
    assert_same(shipped, questions, tmp_path)


def test_generated_questions_agree(shipped: tos_kb.KnowledgeBase, tmp_path: Path) -> None:
    """Hundreds of generated questions get identical answers (whole Decision dicts)."""
    assert_same(shipped, generated_questions(shipped, 600), tmp_path)


def test_every_subject_action_and_change_day_agrees_without_facts(
    shipped: tos_kb.KnowledgeBase, tmp_path: Path
) -> None:
    """With no facts, every subject x action x change day agrees (branches included)."""
    questions = [
        {"subject": s.id, "action": a, "on": d.isoformat(), "facts": {}}
        for s in shipped.subjects()
        for a in shipped.archive.actions
        for d in change_days(shipped, s.id)
    ]
    assert_same(shipped, questions, tmp_path)


def test_fictional_archive_agrees(kb: tos_kb.KnowledgeBase, tmp_path: Path) -> None:
    """The fictional archive (scoped policy, precondition, aliases) agrees too."""
    questions = generated_questions(kb, 300, seed=3)
    questions += [
        {
            "subject": "acme-chat",
            "action": "distill-logits",
            "on": "2024-02-01",
            "facts": {"jurisdiction": "eea"},
        },
        {
            "subject": "zeta-7b",
            "action": "train-on-outputs",
            "on": "2023-08-01",
            "facts": {"student": "zeta-7b", "monthly_active_users": 700_000_001},
        },
        {"subject": "acme", "action": "train-on-outputs", "on": "2020-01-01", "facts": {}},
    ]
    assert_same(kb, questions, tmp_path)


def test_js_rejects_what_python_rejects(shipped: tos_kb.KnowledgeBase, tmp_path: Path) -> None:
    """Unknown subjects, actions, facts, bad dates and ill-typed facts are errors in both."""
    bad = [
        {"subject": "nope", "action": "train-on-outputs", "on": "2024-01-01", "facts": {}},
        {"subject": "openai", "action": "nope", "on": "2024-01-01", "facts": {}},
        {"subject": "openai", "action": "train-on-outputs", "on": "2024-02-30", "facts": {}},
        {
            "subject": "openai",
            "action": "train-on-outputs",
            "on": "2024-01-01",
            "facts": {"nope": True},
        },
        {
            "subject": "openai",
            "action": "train-on-outputs",
            "on": "2024-01-01",
            "facts": {"competing": "yes"},
        },
        {
            "subject": "openai",
            "action": "train-on-outputs",
            "on": "2024-01-01",
            "facts": {"jurisdiction": "mars"},
        },
    ]
    answers = run_js(shipped, bad, tmp_path)
    for q, answer in zip(bad, answers, strict=True):
        assert "error" in answer, q
        with pytest.raises(ValueError):
            shipped.ask(q["subject"], q["action"], on=q["on"], **q["facts"])
