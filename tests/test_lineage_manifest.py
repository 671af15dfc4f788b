"""Invalid pipeline manifests: every problem at once, with file, line and field; no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import tos_kb
from tos_kb.cli import main
from tos_kb.lineage import ManifestError, check_pipeline

REPO = Path(__file__).resolve().parent.parent
FIXTURES = sorted((REPO / "tests" / "manifests").glob("*.yaml"))


def problems_of(path: Path, kb: tos_kb.KnowledgeBase) -> str:
    """The rendered problems of a broken fixture, as the command line prints them."""
    with pytest.raises(ManifestError) as caught:
        check_pipeline(path.relative_to(REPO), kb)
    return "\n".join(p.render() for p in caught.value.problems) + "\n"


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
def test_broken_manifest_gives_its_exact_problems(
    path: Path, kb: tos_kb.KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each fixture in tests/manifests/ gives exactly its pinned problems (fictional archive)."""
    monkeypatch.chdir(REPO)
    expected = path.with_suffix(".expected").read_text(encoding="utf-8")
    assert problems_of(path, kb) == expected


def test_every_fixture_has_its_expected_problems() -> None:
    """No broken fixture goes unpinned."""
    assert FIXTURES
    assert all(p.with_suffix(".expected").exists() for p in FIXTURES)


def test_cli_reports_problems_without_a_traceback(
    terms: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """tos-kb check-pipeline on a broken manifest prints the problems and exits 1."""
    monkeypatch.chdir(REPO)
    result = CliRunner().invoke(
        main, ["check-pipeline", "tests/manifests/cycle.yaml", "--terms", str(terms)]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "tests/manifests/cycle.yaml:5:5: the pipeline has a cycle: m1 → m2 → m1" in result.output


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    """A manifest that does not exist is one problem naming it."""
    result = CliRunner().invoke(main, ["check-pipeline", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 1
    assert f"{tmp_path / 'nope.yaml'}: cannot read: No such file or directory" in result.output


def test_a_dataset_cannot_be_shipped(kb: tos_kb.KnowledgeBase) -> None:
    """`ships` names the model that is shipped; a dataset there is an error naming the field."""
    text = (
        "pipeline: p\nships: d\nuse: {facts: {}}\nartefacts:\n"
        "  - {id: d, kind: dataset, sources: [{kind: human, description: x}]}\n"
    )
    with pytest.raises(ManifestError) as caught:
        check_pipeline(text, kb)
    (problem,) = caught.value.problems
    assert (problem.line, problem.field, problem.message) == (
        2,
        "ships",
        "'d' is a dataset; ships takes a model",
    )


def test_duplicate_ids_are_reported(kb: tos_kb.KnowledgeBase) -> None:
    """Two artefacts with one id: the second is reported at its id."""
    text = (
        "pipeline: p\nships: m\nuse: {facts: {}}\nartefacts:\n"
        "  - {id: m, kind: model, from_scratch: true, trained: 2024-01-01}\n"
        "  - {id: m, kind: model, from_scratch: true, trained: 2024-01-01}\n"
    )
    with pytest.raises(ManifestError) as caught:
        check_pipeline(text, kb)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (6, "artefact 'm' is defined twice (first as artefacts[0])")
    ]
