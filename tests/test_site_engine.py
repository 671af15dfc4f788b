"""The Ask page's JavaScript engine answers exactly as Python does.

The site answers questions in the browser from the JSON export with
site/assets/engine.js, which evaluates the compiled index Python exports.
These tests run that file under node and compare its answers with
``KnowledgeBase.ask(...).to_dict()`` as whole dicts: every scenario in
tests/scenarios/, generated questions over subjects (by any of their names),
actions, days and facts, every subject x action x change day, and the
fictional test archive. Errors are compared too.

Without node the tests are skipped, unless ``CI=true`` or
``TOS_KB_BROWSER=required`` (``.ci/run`` installs node), where they fail.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from kbbuilder import excerpt_spec, write_kb
from test_scenarios import ALL as SCENARIOS

import tos_kb
from tos_kb.answer.factspace import relevant_values
from tos_kb.sitegen.export import TOP_LEVEL_KEYS, build_export, to_json

REPO = Path(__file__).resolve().parent.parent
ENGINE = REPO / "site" / "assets" / "engine.js"
NODE = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
REQUIRED = os.environ.get("CI") == "true" or os.environ.get("TOS_KB_BROWSER") == "required"

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

Question = dict[str, Any]


@pytest.fixture(scope="module")
def node() -> str:
    if NODE is None:
        if REQUIRED:
            pytest.fail("node is required here (CI=true or TOS_KB_BROWSER=required) but missing")
        pytest.skip("node is not installed")
    return NODE


def run_js(node: str, kb: tos_kb.KnowledgeBase, questions: list[Question], tmp: Path) -> list:
    """Answers of the JS engine, run under node over ``kb``'s export."""
    (tmp / "runner.js").write_text(RUNNER)
    (tmp / "export.json").write_text(to_json(build_export(kb)), encoding="utf-8")
    (tmp / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    files = [tmp / "runner.js", ENGINE, tmp / "export.json", tmp / "questions.json"]
    done = subprocess.run(
        [node, *map(str, files)], capture_output=True, text=True, check=True, timeout=600
    )
    return json.loads(done.stdout)


def run_py(kb: tos_kb.KnowledgeBase, q: Question) -> dict[str, Any]:
    """Python's answer as plain JSON data (or its error message)."""
    try:
        d = kb.ask(q["subject"], q["action"], on=q["on"], **q["facts"])
    except ValueError as exc:
        return {"error": str(exc)}
    return json.loads(json.dumps(d.to_dict()))


def assert_same(node: str, kb: tos_kb.KnowledgeBase, questions: list[Question], tmp: Path) -> None:
    """Both engines give the same whole answer to every question (none may be an error)."""
    js = run_js(node, kb, questions, tmp)
    assert len(js) == len(questions)
    mismatches = []
    for q, answer in zip(questions, js, strict=True):
        expected = run_py(kb, q)
        assert "error" not in expected, (q, expected)
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


def every_change_day(kb: tos_kb.KnowledgeBase, subject_id: str) -> list[date]:
    """``Index.change_days`` of a subject, and the day before each."""
    days = set(kb.index.change_days(subject_id))
    return sorted(days | {d - timedelta(days=1) for d in days})


def fact_values(kb: tos_kb.KnowledgeBase, rng: random.Random) -> dict[str, list[Any]]:
    """Values worth trying per fact: those the conditions mention, their neighbours, others."""
    values: dict[str, list[Any]] = {}
    for name, spec in kb.index.fact_specs.items():
        mentioned = [
            c
            for s in kb.index.subject_ids
            for a in kb.index.parents
            for c in kb.index.conditions_for(s, a)
        ]
        found = [v for v, _ in relevant_values(spec, name, mentioned)]
        if spec.type.value == "integer":
            found += [0, rng.randrange(1, 10**10)]
        if spec.type.value in ("subject", "string"):
            found += [*kb.index.names, "gpt-x"]
        values[name] = [*found, None]  # None: not given, as if left out
    return values


def generated_questions(kb: tos_kb.KnowledgeBase, count: int, seed: int = 7) -> list[Question]:
    """Seeded random questions over subject names x actions x days x facts."""
    rng = random.Random(seed)
    names = sorted(kb.index.names)
    actions = list(kb.index.parents)
    values = fact_values(kb, rng)
    questions = []
    for _ in range(count):
        name = rng.choice(names)
        changes = kb.index.change_days(kb.resolve_subject(name)) or [date(2023, 1, 1)]
        start = changes[0] - timedelta(days=30)
        day = (
            rng.choice(changes) - timedelta(days=rng.choice([0, 0, 1]))
            if rng.random() < 0.5
            else start + timedelta(days=rng.randrange((changes[-1] - start).days + 730))
        )
        facts = {n: rng.choice(v) for n, v in values.items() if rng.random() < 0.25}
        questions.append(
            {"subject": name, "action": rng.choice(actions), "on": day.isoformat(), "facts": facts}
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
    assert set(data["compiled"]["versions"]) == set(data["versions"])
    assert set(data["compiled"]["subjects"]) == set(data["subjects"])


def test_export_is_deterministic(shipped: tos_kb.KnowledgeBase) -> None:
    """The same archive gives the same bytes (no build time, no set order)."""
    first = to_json(build_export(shipped, with_changes=False))
    assert first == to_json(build_export(tos_kb.load(), with_changes=False))


def test_scenarios_agree(node: str, shipped: tos_kb.KnowledgeBase, tmp_path: Path) -> None:
    """Every scenario gets the same whole answer in JS."""
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
    assert_same(node, shipped, questions, tmp_path)


def test_generated_questions_agree(
    node: str, shipped: tos_kb.KnowledgeBase, tmp_path: Path
) -> None:
    """Two thousand generated questions get identical answers (whole Decision dicts)."""
    assert_same(node, shipped, generated_questions(shipped, 2000), tmp_path)


def test_every_subject_action_and_change_day_agrees(
    node: str, shipped: tos_kb.KnowledgeBase, tmp_path: Path
) -> None:
    """With no facts, every subject x action x change day (and the day before) agrees."""
    questions = [
        {"subject": s, "action": a, "on": d.isoformat(), "facts": {}}
        for s in shipped.index.subject_ids
        for a in shipped.index.parents
        for d in every_change_day(shipped, s)
    ]
    assert_same(node, shipped, questions, tmp_path)


def test_fictional_archive_agrees(node: str, kb: tos_kb.KnowledgeBase, tmp_path: Path) -> None:
    """The fictional archive (scoped policy, precondition, aliases, undated) agrees too."""
    questions = generated_questions(kb, 300, seed=3)
    questions += [
        {"subject": s, "action": a, "on": d.isoformat(), "facts": {}}
        for s in kb.index.subject_ids
        for a in kb.index.parents
        for d in every_change_day(kb, s)
    ]
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
    assert_same(node, kb, questions, tmp_path)


def test_excerpt_archive_agrees(node: str, tmp_path: Path) -> None:
    """Excerpt gaps, a complete excerpt and an excerpt that may govern agree too."""
    kb = tos_kb.load(write_kb(tmp_path / "terms", excerpt_spec()))
    questions = generated_questions(kb, 200, seed=5)
    questions += [
        {"subject": s, "action": a, "on": d.isoformat(), "facts": facts}
        for s in kb.index.subject_ids
        for a in kb.index.parents
        for d in every_change_day(kb, s)
        for facts in ({}, {"commercial": True, "jurisdiction": "eea"})
    ]
    out = tmp_path / "out"
    out.mkdir()
    assert_same(node, kb, questions, out)


def test_js_rejects_what_python_rejects(
    node: str, shipped: tos_kb.KnowledgeBase, tmp_path: Path
) -> None:
    """Unknown names, bad dates and ill-typed facts are errors in both, typing and dates
    with the same words."""

    def q(
        on: str = "2024-01-01",
        subject: str = "openai",
        action: str = "train-on-outputs",
        **facts: Any,
    ) -> Question:
        return {"subject": subject, "action": action, "on": on, "facts": facts}

    same_words = [
        q("2024-02-30"),
        q("2024-2-1"),
        q(competing="yes"),
        q(competing=1),
        q(jurisdiction="mars"),
        q(monthly_active_users="many"),
        q(monthly_active_users=1.5),
        q(monthly_active_users=True),
        q(student=7),
        q(student=False),
    ]
    named = [q(subject="nope"), q(action="nope"), q(nope=True)]
    answers = run_js(node, shipped, same_words + named, tmp_path)
    for question, answer in zip(same_words + named, answers, strict=True):
        expected = run_py(shipped, question)
        assert "error" in expected and "error" in answer, question
        if question in same_words:
            assert answer == expected, question


SLICED_RUNNER = r"""
const fs = require("fs");
const path = require("path");
const { Engine } = require(process.argv[2]);
const dir = process.argv[3];
const questions = JSON.parse(fs.readFileSync(process.argv[4], "utf8"));
const data = JSON.parse(fs.readFileSync(path.join(dir, "index.json"), "utf8"));
const engine = new Engine(data);
const answers = questions.map((q) => {
  const file = path.join(dir, data.names[q.subject] + ".json");
  const slice = JSON.parse(fs.readFileSync(file, "utf8"));
  const compiled = { facts: data.compiled.facts, names: data.compiled.names,
                     subjects: {}, documents: {}, versions: {} };
  for (const part of ["subjects", "documents", "versions"]) {
    Object.assign(compiled[part], slice[part]);
  }
  engine.compiled = compiled;  // only this subject's slice is loaded, as on the Ask page
  try { return engine.ask(q.subject, q.action, q.on, q.facts); }
  catch (e) { return { error: String(e.message) }; }
});
process.stdout.write(JSON.stringify(answers));
"""


def test_the_ask_page_slices_answer_as_the_whole_export(
    node: str, shipped: tos_kb.KnowledgeBase, tmp_path: Path
) -> None:
    """With only the index and the asked subject's slice loaded, answers equal Python's."""
    from tos_kb.sitegen.ask_data import ask_index, ask_slice

    export = build_export(shipped)
    (tmp_path / "index.json").write_text(to_json(ask_index(export)), encoding="utf-8")
    for subject_id in export["compiled"]["subjects"]:
        (tmp_path / f"{subject_id}.json").write_text(
            to_json(ask_slice(export, subject_id)), encoding="utf-8"
        )
    questions = [
        {
            "subject": s["subject"],
            "action": s["action"],
            "on": str(s["on"]),
            "facts": s.get("facts") or {},
        }
        for s in SCENARIOS
    ] + generated_questions(shipped, 500, seed=11)
    (tmp_path / "runner.js").write_text(SLICED_RUNNER)
    (tmp_path / "questions.json").write_text(json.dumps(questions), encoding="utf-8")
    done = subprocess.run(
        [
            node,
            str(tmp_path / "runner.js"),
            str(ENGINE),
            str(tmp_path),
            str(tmp_path / "questions.json"),
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    answers = json.loads(done.stdout)
    wrong = [(q, a) for q, a in zip(questions, answers, strict=True) if a != run_py(shipped, q)]
    assert not wrong, f"{len(wrong)} of {len(questions)} differ; first: {wrong[0]}"


def test_names_as_people_type_them_agree(
    node: str, shipped: tos_kb.KnowledgeBase, tmp_path: Path
) -> None:
    """Names in any case and spacing, unknown students and jurisdictions as people write them
    are read the same way, with the same reasons, in JS."""
    questions: list[Question] = [
        {"subject": subject, "action": "train-on-outputs", "on": "2024-08-01", "facts": facts}
        for subject in ("LLAMA_2", "llama 3.1", "Llama-4-Scout", "OpenAI")
        for facts in (
            {"student": "Llama-2"},
            {"student": "my-llm"},
            {"student": "mistral 7b", "jurisdiction": "EU"},
            {"jurisdiction": "Germany"},
            {"jurisdiction": "US", "student": "LLAMA_2"},
            {"jurisdiction": "Rest of World"},
        )
    ]
    answers = run_js(node, shipped, questions, tmp_path)
    for question, answer in zip(questions, answers, strict=True):
        assert answer == run_py(shipped, question), question
    assert any("'my-llm' is not a subject here" in r for a in answers for r in a["reasons"])
    assert any("jurisdiction 'EU' read as 'eea'" in r for a in answers for r in a["reasons"])
