"""``tos-kb validate FILE ...``: the problems a full validation finds in those files, and no
others, while reading only what those files can depend on.

Each case breaks the archive once and compares the report on the touched file
with the full report narrowed to that file: same messages, lines, fields, hints.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_validate import CASES, V1, edit

from tos_kb.cli import main
from tos_kb.records import loader, scope

Edit = tuple[str, str, str]
# (what, (file, old text, new text), the message expected there, or None for none):
# cross-document cases beside the single-file ones of test_validate
CROSS: list[tuple[str, Edit, str | None]] = [
    (
        "an unknown subject in a condition",
        (V1, "competing: true", "student: zeta-8b"),
        "student 'zeta-8b' is not a known subject or alias; did you mean 'zeta-7b'?",
    ),
    ("a known alias in a condition", (V1, "competing: true", "student: zeta-7b"), None),
    (
        "an alias another subject has",
        ("subjects/zeta.yaml", "- zeta-7b\n", "- zeta-7b\n- acme-chat\n"),
        "'acme-chat' already names subject 'acme-api'",
    ),
    (
        "a subject citing a missing document",
        ("subjects/acme-api.yaml", "document: acme/policy", "document: acme/polcy"),
        "unknown document 'acme/polcy'",
    ),
    (
        "a document succeeding a missing one",
        ("acme/terms/document.yaml", "kind:", "succeeds: zeta/licence\nkind:"),
        "unknown document 'zeta/licence'",
    ),
    (
        "a document reporting an archived version missing",
        (
            "acme/terms/document.yaml",
            "kind: terms-of-service",
            "kind: terms-of-service\nnot_obtained:\n- effective: '2024-01-31'\n  source: a list",
        ),
        "the version effective 2024-01-31 is archived now",
    ),
]


def _report(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["validate", "--format", "json", *args])
    assert result.exit_code in (0, 1), result.output
    report: dict[str, Any] = json.loads(result.output)
    return report


def _same_as_full(terms: Path, relative: str) -> list[dict[str, Any]]:
    full = [p for p in _report(str(terms))["problems"] if p["file"] == f"terms/{relative}"]
    mine = _report(str(terms / relative))["problems"]
    assert mine == full
    return mine


@pytest.mark.parametrize("case", CASES, ids=[c[3][:40] for c in CASES])
def test_a_broken_file_gets_the_full_reports_problems(terms: Path, case: Any) -> None:
    """Each single-file case: FILE mode reports exactly what full mode reports there."""
    relative, old, new, message, _, _ = case
    edit(terms, relative, old, new)
    assert any(message in p["message"] for p in _same_as_full(terms, relative))


@pytest.mark.parametrize("case", CROSS, ids=[c[0] for c in CROSS])
def test_a_problem_across_files_is_caught_on_the_touched_file(
    terms: Path, case: tuple[str, Edit, str | None]
) -> None:
    """Problems that depend on other files (subjects, documents, sibling versions) still show."""
    _, (relative, old, new), message = case
    edit(terms, relative, old, new)
    found = [
        f"{p['message']}; {p['hint']}" if p.get("hint") else p["message"]
        for p in _same_as_full(terms, relative)
    ]
    assert (message is None and found == []) or any(message in m for m in found), found


def test_a_corrupted_text_is_reported_on_its_record(terms: Path) -> None:
    """A text changed after archiving: its record's hash problem, as full mode words it."""
    text = "acme/terms/2023-03-14/text.txt"
    (terms / text).write_text("altered\n")
    full = [p for p in _report(str(terms))["problems"] if p["file"] == f"terms/{V1}"]
    mine = _report(str(terms / text))["problems"]
    assert mine == full and any(p["code"] == "hash" for p in mine)


def test_only_the_scope_is_read(terms: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A clean version is checked without reading other documents or unrelated subjects."""
    read: list[str] = []
    real = loader._read_one

    def spy(archive: Any, cls: Any, path: Path) -> Any:
        read.append(path.relative_to(terms).as_posix())
        return real(archive, cls, path)

    monkeypatch.setattr(loader, "_read_one", spy)
    archive = scope.validate_files(terms.resolve(), [terms / V1])
    assert archive is not None and archive.problems == []
    documents = {"/".join(p.split("/")[:2]) for p in read if p.count("/") >= 2}
    assert documents == {"acme/terms"}
    assert not [p for p in read if p.startswith("subjects/")]


def test_the_vocabulary_concerns_everything(terms: Path) -> None:
    """A vocabulary file has no narrower scope: the whole archive is validated."""
    assert scope.scope_of(terms, [terms / "vocabulary/actions.yaml"]) is None


def test_the_pool_reports_what_one_process_reports(terms: Path) -> None:
    """Validation over two processes gives the serial report, byte for byte."""
    for relative, old, new, _, _, _ in CASES:
        if old in (terms / relative).read_text():
            edit(terms, relative, old, new)
    for _, (relative, old, new), _ in CROSS:
        if old in (terms / relative).read_text():
            edit(terms, relative, old, new)
    (terms / "acme/terms/2024-01-31/text.txt").write_text("altered\n")
    runner = CliRunner()
    serial = runner.invoke(main, ["validate", str(terms), "--jobs", "1", "--format", "json"])
    pooled = runner.invoke(main, ["validate", str(terms), "--jobs", "2", "--format", "json"])
    files = {p["file"] for p in json.loads(serial.output)["problems"]}
    assert serial.exit_code == 1 and len(files) >= 4, files
    assert pooled.output == serial.output
