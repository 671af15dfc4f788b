"""Whatever a contributor writes, validation reports problems and never crashes."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kbbuilder import write_kb

from tos_kb.answer.index import Index
from tos_kb.cli import main
from tos_kb.records.loader import load_archive
from tos_kb.records.validate import check_structure, check_texts

JUNK = st.sampled_from(
    [
        "",
        ":",
        "- ",
        "{",
        "]",
        "&a ",
        "*a",
        "!!str ",
        "? ",
        "\t",
        "\x00",
        "yes",
        "2023-02-30",
        "~",
        "'",
        '"',
        "\n  - x\n",
        "é",
        "<<: {}",
        "[]",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_random_corruption_never_raises(tmp_path_factory, data) -> None:
    """Random edits to any file give problems with a file name, never an exception."""
    root = Path(tmp_path_factory.mktemp("kb"))
    terms = write_kb(root)
    files = sorted(p for p in terms.rglob("*") if p.is_file())
    target = data.draw(st.sampled_from(files))
    text = target.read_text(encoding="utf-8")
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 40))
    junk = data.draw(JUNK)
    target.write_text(text[:at] + junk + text[at + cut :], encoding="utf-8")
    archive = load_archive(terms)
    check_structure(archive)
    check_texts(archive)
    for problem in archive.problems:
        assert problem.file and problem.message


def test_missing_and_unreadable_things(tmp_path: Path) -> None:
    """Missing vocabularies, a deleted text and a binary record are reported, not raised."""
    terms = write_kb(tmp_path)
    (terms / "vocabulary" / "facts.yaml").unlink()
    shutil.rmtree(terms / "subjects")
    (terms / "acme/terms/2023-03-14/text.txt").unlink()
    (terms / "zeta/license/2023-07-18/record.yaml").write_bytes(b"\xff\xfe\x00binary")
    result = CliRunner().invoke(main, ["validate", str(terms)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "terms/zeta/license/2023-07-18/record.yaml" in result.output
    assert "the text file text.txt is missing" in result.output


def test_validate_on_a_folder_that_does_not_exist(tmp_path: Path) -> None:
    """Pointing the validator at nothing says so."""
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert "no such folder" in result.output


# --- fuzzing: arbitrary bytes, YAML documents, mutated real records -----------------------

REAL = Path(__file__).resolve().parent.parent / "terms"
REAL_RECORDS = sorted(REAL.glob("*/*/*/record.yaml"))[:40]
YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=30,
)
FUZZ = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def load_and_validate(terms: Path) -> None:
    """Load, validate and compile: problems with a file name, never an exception."""
    archive = load_archive(terms)
    check_structure(archive)
    check_texts(archive)
    for problem in archive.problems:
        assert problem.file and problem.message
    if not archive.problems:
        Index(archive)  # what load() compiles from a valid archive


def fuzzed_kb(tmp_path_factory: Any, target: str, content: bytes) -> Path:
    terms = write_kb(Path(tmp_path_factory.mktemp("kb")))
    (terms / target).write_bytes(content)
    return terms


@FUZZ
@given(content=st.binary(max_size=400), target=st.sampled_from(["record", "subject", "facts"]))
def test_arbitrary_bytes_never_raise(tmp_path_factory: Any, content: bytes, target: str) -> None:
    """Any bytes as a record, a subject or the fact vocabulary are reported, not raised."""
    path = {
        "record": "acme/policy/2023-01-01/record.yaml",
        "subject": "subjects/zeta.yaml",
        "facts": "vocabulary/facts.yaml",
    }[target]
    load_and_validate(fuzzed_kb(tmp_path_factory, path, content))


@FUZZ
@given(document=YAML_VALUES)
def test_arbitrary_yaml_documents_never_raise(tmp_path_factory: Any, document: Any) -> None:
    """Any YAML document (scalars, lists, mappings of any depth) as a record."""
    text = yaml.safe_dump(document, allow_unicode=True).encode("utf-8")
    load_and_validate(fuzzed_kb(tmp_path_factory, "acme/policy/2023-01-01/record.yaml", text))


@FUZZ
@given(data=st.data())
def test_mutated_real_records_never_raise(tmp_path_factory: Any, data: st.DataObject) -> None:
    """A real record with a few bytes replaced, inserted or deleted."""
    source = data.draw(st.sampled_from(REAL_RECORDS))
    raw = bytearray(source.read_bytes())
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw)))
        raw[at : at + data.draw(st.integers(0, 3))] = data.draw(st.binary(max_size=3))
    load_and_validate(fuzzed_kb(tmp_path_factory, "acme/policy/2023-01-01/record.yaml", raw))
