"""The validator: every problem at once, located by file, line and field, never a traceback.

Each case breaks one thing in a valid fictional knowledge base and pins the
message the contributor must see.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbbuilder import default_spec, write_kb

from tos_kb.cli import main
from tos_kb.records.loader import load_archive
from tos_kb.records.problems import Problem
from tos_kb.records.validate import check_structure, check_texts

V1 = "acme/terms/2023-03-14/record.yaml"


def problems_of(terms: Path) -> list[Problem]:
    archive = load_archive(terms)
    check_structure(archive)
    check_texts(archive)
    return archive.problems


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def edit(terms: Path, relative: str, old: str, new: str) -> Path:
    path = terms / relative
    text = path.read_text()
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1))
    return path


def test_valid_knowledge_base_has_no_problems(terms: Path) -> None:
    """The fictional knowledge base is clean, so every other case breaks exactly one thing."""
    assert problems_of(terms) == []


Case = tuple[str, str, str, str, str | None, str | None]
# (file, old text, new text, expected message, expected field, line marker)
CASES: list[Case] = [
    (
        V1,
        "quote: You may not scrape the Services.",
        "quote: You must not scrape the Services.",
        "quote not found verbatim in text.txt",
        "rules[2].quote",
        "You must not scrape",
    ),
    (
        V1,
        "action: scrape-outputs",
        "action: scrape-output",
        "unknown action 'scrape-output'",
        "rules[2].action",
        "scrape-output",
    ),
    (
        V1,
        "effective_basis:",
        "efective_basis:",
        "unknown field 'efective_basis'",
        "efective_basis",
        "efective_basis",
    ),
    (
        V1,
        "effective: '2023-03-14'",
        "effective: '2023-02-30'",
        "'2023-02-30' is not a real calendar date",
        "effective",
        "effective: '2023-02-30'",
    ),
    (
        V1,
        "version: '2023-03-14'",
        "version: '2023-03-15'",
        "the record's version must match its folder name",
        "version",
        "version:",
    ),
    (
        V1,
        "competing: true",
        "competitor: true",
        "unknown fact 'competitor'; did you mean 'competing'?",
        "rules[0].when.competitor",
        "competitor: true",
    ),
    (
        V1,
        "competing: true",
        "competing: 'yes'",
        "fact 'competing' takes true or false; found 'yes'",
        "rules[0].when.competing",
        "competing: 'yes'",
    ),
    (
        V1,
        "title: Fictional test text",
        "title: Fictional test text\ntitle: again",
        "duplicate key 'title' (first at line",
        None,
        "title: again",
    ),
    (
        V1,
        "coverage: full",
        "coverage: partial",
        "Input should be 'full' or 'excerpt'",
        "coverage",
        "coverage: partial",
    ),
    (
        V1,
        "verdict: prohibited",
        "verdict: forbidden",
        "Input should be 'permitted', 'prohibited', 'conditional' or 'silent'",
        "rules[0].verdict",
        "verdict: forbidden",
    ),
    (
        V1,
        "title: Fictional test text",
        "title: !!python/object:os.system x",
        "is not allowed in records",
        None,
        "title: !!python",
    ),
    (
        V1,
        "  verdict: silent\n",
        "  verdict: silent\n  excerpt_complete: the whole text\n",
        "rules[3] (build-eval-set): 'excerpt_complete' is only for versions with coverage: excerpt",
        "rules",
        "rules:",
    ),
    (
        V1,
        "  verdict: prohibited\n",
        "  verdict: prohibited\n  excerpt_complete: the whole text\n",
        "'excerpt_complete' belongs to silent rules",
        "rules[0]",
        "- action: train-on-outputs",
    ),
    (
        "subjects/acme-api.yaml",
        "document: acme/policy",
        "document: acme/polcy",
        "unknown document 'acme/polcy'",
        "governed_by[1].document",
        "acme/polcy",
    ),
    (
        "zeta/license/2023-07-18/record.yaml",
        "lte: 700000000",
        "lte: lots",
        "'lte' compares numbers; found 'lots'",
        None,
        "lte: lots",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c[3][:40] for c in CASES])
def test_broken_record_gives_located_error(terms: Path, case: Case) -> None:
    """A broken record yields one problem naming its file, line and field."""
    relative, old, new, message, field, marker = case
    path = edit(terms, relative, old, new)
    found = [p for p in problems_of(terms) if message in p.message]
    assert found, [p.render() for p in problems_of(terms)]
    problem = found[0]
    assert problem.file == f"terms/{relative}"
    if field is not None:
        assert problem.field == field
    if marker is not None:
        assert problem.line == line_of(path, marker)


def test_wrong_hash_names_both_values(terms: Path) -> None:
    """A text changed after archiving is caught by its hash, with the actual hash shown."""
    (terms / "acme/terms/2023-03-14/text.txt").write_text("altered\n")
    [problem] = [p for p in problems_of(terms) if p.code == "hash"]
    assert problem.message == "sha256 does not match text.txt"
    assert problem.allowed is not None and len(problem.allowed) == 64


def test_missing_rule_for_core_action_is_reported(terms: Path) -> None:
    """Silence must be recorded: a version without a rule for a core action is invalid."""
    path = terms / V1
    text = path.read_text()
    start = text.index("- action: build-eval-set")
    end = text.index("- action:", start + 5)
    path.write_text(text[:start] + text[end:])
    messages = [p.message for p in problems_of(terms)]
    assert "no rule for the core action 'build-eval-set'" in messages


def test_distill_logits_inherits_from_parent(terms: Path) -> None:
    """A rule on train-on-outputs covers its child distill-logits (no coverage problem)."""
    assert not [p for p in problems_of(terms) if "distill-logits" in p.message]


def test_overlapping_ranges_of_one_role(terms: Path) -> None:
    """Two documents of the same role cannot govern a subject on the same day."""
    edit(
        terms,
        "subjects/zeta.yaml",
        "governed_by:\n",
        "governed_by:\n- document: acme/terms\n  role: licence\n  from: '2023-01-01'\n"
        "  basis: test\n",
    )
    assert any(
        "governing ranges of role 'licence' overlap" in p.message for p in problems_of(terms)
    )


def test_two_versions_on_one_start_date(tmp_path: Path) -> None:
    """A month-only version and a day version that start the same day are flagged."""
    spec = default_spec()
    versions = spec["documents"]["acme/terms"]["versions"]
    clone = json.loads(json.dumps(versions[0]))
    clone["record"]["version"] = clone["record"]["effective"] = "2023-03"
    versions.append(clone)
    spec["documents"]["acme/terms"]["versions"] = [versions[0], versions[2]]
    clone["record"]["version"] = clone["record"]["effective"] = "2023-03"
    terms = write_kb(tmp_path, spec)
    edit(
        terms,
        "acme/terms/2023-03-14/record.yaml",
        "effective: '2023-03-14'",
        "effective: '2023-03-01'",
    )
    edit(
        terms, "acme/terms/2023-03-14/record.yaml", "version: '2023-03-14'", "version: '2023-03-14'"
    )
    assert any(
        "two versions of acme/terms start on 2023-03-01" in p.message
        or "the effective date must match the folder name" in p.message
        for p in problems_of(terms)
    )


def test_all_problems_are_reported_at_once(terms: Path) -> None:
    """Several broken files produce several problems in one run."""
    edit(terms, V1, "coverage: full", "coverage: partial")
    edit(terms, "zeta/license/2023-07-18/record.yaml", "section: '3'", "sectoin: '3'")
    (terms / "acme/policy/2023-01-01/text.txt").unlink()
    files = {p.file for p in problems_of(terms)}
    assert {
        f"terms/{V1}",
        "terms/zeta/license/2023-07-18/record.yaml",
        "terms/acme/policy/2023-01-01/record.yaml",
    } <= files


def test_cli_validate_exit_codes_and_no_traceback(terms: Path) -> None:
    """`tos-kb validate` exits 0 when clean, 1 with file:line messages when not."""
    runner = CliRunner()
    ok = runner.invoke(main, ["validate", str(terms)])
    assert ok.exit_code == 0, ok.output
    assert "no problems" in ok.output
    edit(terms, V1, "title: Fictional test text", "title: [unclosed")
    bad = runner.invoke(main, ["validate", str(terms)])
    assert bad.exit_code == 1
    assert f"terms/{V1}:" in bad.output
    assert "Traceback" not in bad.output


def test_cli_validate_json(terms: Path) -> None:
    """The JSON report lists problems with file, line and field for tools."""
    edit(terms, V1, "action: scrape-outputs", "action: scrape")
    result = CliRunner().invoke(main, ["validate", str(terms), "--format", "json"])
    report = json.loads(result.output)
    assert result.exit_code == 1 and report["ok"] is False
    problem = next(p for p in report["problems"] if "unknown action" in p["message"])
    assert problem["field"] == "rules[2].action" and problem["line"] > 0


def test_nothing_is_written_by_validation(terms: Path) -> None:
    """Validation reads only: every file is byte-identical afterwards."""
    before = {p: p.read_bytes() for p in terms.rglob("*") if p.is_file()}
    problems_of(terms)
    assert before == {p: p.read_bytes() for p in terms.rglob("*") if p.is_file()}


Fixer = Callable[[Path], None]


def test_schema_error_does_not_hide_vocabulary_errors(terms: Path) -> None:
    """A record the schema rejects still has its unknown actions reported, and no cascade."""
    edit(terms, V1, "coverage: full", "coverage: partial")
    edit(terms, V1, "action: scrape-outputs", "action: scrape-output")
    messages = [p.message for p in problems_of(terms)]
    assert "unknown action 'scrape-output'" in messages
    assert not any("has no versions" in m for m in messages)


def _report_missing(terms: Path, effective: str) -> None:
    document = terms / "acme/terms/document.yaml"
    document.write_text(
        document.read_text()
        + f"not_obtained:\n  - effective: '{effective}'\n    source: a dated list of versions\n"
    )


def test_a_reported_version_is_a_caveat_until_archived(terms: Path) -> None:
    """Answers resting on an older version after a reported, unarchived one say so."""
    import tos_kb

    _report_missing(terms, "2025-06")
    kb = tos_kb.load(terms)
    before = kb.ask("acme", "train-on-outputs", on="2025-05-31", competing=True)
    after = kb.ask("acme", "train-on-outputs", on="2025-06-01", competing=True)
    caveat = (
        "acme/terms: a version effective 2025-06 is reported (a dated list of versions) "
        "but not archived; this answer rests on acme/terms@2024-01-31"
    )
    assert caveat not in before.caveats
    assert caveat in after.caveats


def test_a_not_obtained_entry_is_flagged_once_archived(terms: Path) -> None:
    """Once that version is in the archive, the entry is stale and validate says so."""
    _report_missing(terms, "2024-01-31")
    found = [p for p in problems_of(terms) if "archived now" in p.message]
    assert [(p.message, p.field, p.hint) for p in found] == [
        (
            "the version effective 2024-01-31 is archived now",
            "not_obtained[0]",
            "remove this not_obtained entry",
        )
    ]


def test_a_record_the_schema_rejects_still_gets_every_other_check(terms: Path) -> None:
    """One validate run lists the schema error and the quote, coverage and vocabulary problems."""
    path = edit(terms, V1, "coverage: full", "coverage: partial")
    edit(terms, V1, "- action: scrape-outputs", "- action: scrape-output")
    text = path.read_text()
    first_quote = text.split("quote: ", 1)[1].split("\n", 1)[0]
    edit(terms, V1, f"quote: {first_quote}", "quote: words the text does not hold")
    found = {(p.message, p.field) for p in problems_of(terms) if p.file.endswith(V1)}
    assert found == {
        ("Input should be 'full' or 'excerpt'", "coverage"),
        ("no rule for the core action 'scrape-outputs'", "rules"),
        ("quote not found verbatim in text.txt", "rules[0].quote"),
        ("unknown action 'scrape-output'", "rules[2].action"),
    }


def test_an_unquoted_section_number_says_how_to_fix_it(terms: Path) -> None:
    """`section: 3.1` is read by YAML as a number: the hint says to quote it."""
    path = terms / V1
    text = path.read_text()
    section = text.split("section: ", 1)[1].split("\n", 1)[0]
    edit(terms, V1, f"section: {section}", "section: 3.1")
    found = [p for p in problems_of(terms) if p.field == "rules[0].section"]
    assert [(p.message, p.hint) for p in found] == [
        ("YAML read this as a number; it must be text", 'write it in quotes: section: "3.1"')
    ]


def test_validate_files_reports_only_their_problems(terms: Path) -> None:
    """As pre-commit calls it: the archive is checked, the problems of the given files shown."""
    edit(terms, V1, "coverage: full", "coverage: partial")
    edit(terms, "zeta/license/2023-07-18/record.yaml", "coverage: full", "coverage: partial")
    runner = CliRunner()
    mine = runner.invoke(main, ["validate", str(terms / V1)])
    assert mine.exit_code == 1
    assert "acme/terms/2023-03-14/record.yaml:" in mine.output
    assert "zeta/license" not in mine.output
    text = runner.invoke(main, ["validate", str(terms / "acme/terms/2024-01-31/text.txt")])
    assert text.exit_code == 0, text.output
    outside = runner.invoke(main, ["validate", str(Path(__file__))])
    assert outside.exit_code == 2
    assert "is not inside an archive" in outside.output
