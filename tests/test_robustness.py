"""Whatever a contributor writes, validation reports problems and never crashes."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kbbuilder import write_kb

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
