"""The example pipelines in examples/ give their pinned reports, from Python and from the CLI.

Regenerate the pinned reports after inspecting a change: ``python tests/test_lineage_examples.py``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

import tos_kb
from tos_kb import schemas
from tos_kb.cli import main
from tos_kb.lineage import PipelineReport, check_pipeline
from tos_kb.records import schema
from tos_kb.records.yamlsafe import read_yaml

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.yaml"))
# The archive line names a commit; the pinned file names the one that holds it instead.
PINNED_ARCHIVE = "the data release of the commit that holds this file (a test checks it)"


def pinned(report: PipelineReport) -> str:
    """The report as pinned: Markdown, with the archive line made commit-independent."""
    return dataclasses.replace(report, archive=PINNED_ARCHIVE).render("markdown")


def report_of(path: Path) -> PipelineReport:
    return check_pipeline(Path("examples") / path.name, tos_kb.default_kb())


@pytest.fixture(autouse=True)
def _at_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_gives_its_pinned_report(path: Path) -> None:
    """check_pipeline on each example reproduces examples/<name>.report.md."""
    expected = path.with_suffix(".report.md").read_text(encoding="utf-8")
    assert pinned(report_of(path)) == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_cli_gives_the_same_report(path: Path) -> None:
    """tos-kb check-pipeline prints the same report, naming the archive it used."""
    result = CliRunner().invoke(
        main, ["check-pipeline", f"examples/{path.name}", "--format", "markdown"]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    archive = next(line for line in lines if line.startswith("- Archive: "))
    assert archive.startswith("- Archive: data release ")
    expected = path.with_suffix(".report.md").read_text(encoding="utf-8")
    assert result.output.replace(archive, f"- Archive: {PINNED_ARCHIVE}") == expected


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_json_report_agrees(path: Path) -> None:
    """The JSON report carries the same verdict and the decisions in full."""
    result = CliRunner().invoke(
        main, ["check-pipeline", f"examples/{path.name}", "--format", "json"]
    )
    data = json.loads(result.output)
    assert data["verdict"] == report_of(path).verdict.value


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_satisfies_the_json_schema(path: Path) -> None:
    """Editors validating with schema/pipeline.schema.json accept every example."""
    validator = jsonschema.Draft202012Validator(
        schema.build("pipeline", schemas.SCHEMAS["pipeline"])
    )
    assert list(validator.iter_errors(read_yaml(path).data)) == []
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../schema/pipeline.schema.json"


def test_alpaca_is_prohibited_by_both_the_base_licence_and_the_api_terms() -> None:
    """LLaMA's non-commercial licence and OpenAI's competing-model clause each decide Alpaca."""
    report = report_of(REPO / "examples/alpaca.yaml")
    assert report.verdict == "prohibited"
    decided = [path[-1].subject for path in report.decided_by()]
    assert decided == ["llama-1", "openai-api"]
    assert "model_scale" in report.missing_facts  # before 2023-03-14 the clause named large models


def test_llama_teacher_pipeline_is_permitted_with_the_llama_duties() -> None:
    """A Llama 3.1 teacher: permitted, and the name-prefix duty survives the second fine-tune."""
    report = report_of(REPO / "examples/llama31-teacher.yaml")
    assert report.verdict == "permitted"
    duties = [d.text for d in report.duties if d.subject == "llama-3.1"]
    assert any("“Llama” at the beginning" in d for d in duties)
    assert report.ships == "assistant-v2"


def test_contaminated_mixture_names_the_api_source() -> None:
    """The OpenAI-generated source decides the mixture, two models before the shipped one."""
    report = report_of(REPO / "examples/contaminated-mixture.yaml")
    assert report.verdict == "prohibited"
    (path,) = report.decided_by()
    assert [item.label.split(" ")[0] for item in path[:3]] == ["chat-v2", "chat-v1", "mixture"]
    assert path[-1].subject == "openai-api"


def test_changed_teacher_terms_are_flagged_not_applied() -> None:
    """Phi-2 relicensed after generation: prohibited then, flagged laxer today, still prohibited."""
    report = report_of(REPO / "examples/teacher-terms-changed.yaml")
    assert report.verdict == "prohibited"
    assert {j.change for _, j in report.changes} == {"laxer today"}


if __name__ == "__main__":  # regenerate the pinned reports (inspect the diff before committing)
    import os

    os.chdir(REPO)
    for example in EXAMPLES:
        example.with_suffix(".report.md").write_text(pinned(report_of(example)), encoding="utf-8")
        print("wrote", example.with_suffix(".report.md").relative_to(REPO))
