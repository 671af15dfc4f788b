"""`tos-kb review`: the report on a contribution, as a reviewer reads it."""

from __future__ import annotations

import hashlib
from pathlib import Path

import git
import pytest
import yaml
from click.testing import CliRunner
from kbbuilder import ACME_TERMS_V2, acme_rules_v2, version, write_kb

from tos_kb.cli import main

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed fictional archive in a git repository."""
    write_kb(tmp_path)
    repository = git.Repo.init(tmp_path)
    repository.git.add("terms")
    repository.index.commit("base", author=git.Actor("t", "t@example.invalid"))
    return tmp_path / "terms"


def review(terms: Path):
    return CliRunner().invoke(main, ["review", "--base", "HEAD", "--terms", str(terms)])


def test_added_version_reports_tightening_with_witness(repo: Path) -> None:
    """A new version that forbids what the last one allowed is flagged as a tightening."""
    text = ACME_TERMS_V2.replace("second edition", "third edition")
    rules = [r for r in acme_rules_v2() if r["action"] != "build-eval-set"]
    rules.append(
        {
            "action": "build-eval-set",
            "verdict": "prohibited",
            "section": "2",
            "quote": "You may not use Output to train any model.",
        }
    )
    added = version("acme/terms", "2025-01-01", text, rules)
    folder = repo / "acme/terms/2025-01-01"
    folder.mkdir()
    (folder / "text.txt").write_text(text)
    (folder / "record.yaml").write_text(yaml.safe_dump(added["record"], sort_keys=False))
    result = review(repo)
    assert result.exit_code == 0, result.output
    assert "## Added: `acme/terms@2025-01-01`" in result.output
    assert "Compared with `acme/terms@2024-01-31`" in result.output
    assert "| build-eval-set | tightened | with no facts given: silent -> prohibited |" in (
        result.output
    )


def test_changed_record_shows_the_answers_it_moves(repo: Path) -> None:
    """Editing a rule in an existing version reports the action and the witness facts."""
    record = repo / "acme/terms/2023-03-14/record.yaml"
    record.write_text(
        record.read_text().replace(
            "- action: scrape-outputs\n  verdict: prohibited",
            "- action: scrape-outputs\n  verdict: permitted",
        )
    )
    result = review(repo)
    assert "## Changed: `acme/terms@2023-03-14`" in result.output
    assert "| scrape-outputs | loosened | with no facts given: prohibited -> permitted |" in (
        result.output
    )


def test_text_edited_in_place_fails_the_review(repo: Path) -> None:
    """Archived texts are never edited: changing one (even with its hash) fails review."""
    folder = repo / "acme/terms/2023-03-14"
    text = (folder / "text.txt").read_text() + "An added sentence.\n"
    (folder / "text.txt").write_text(text)
    record = folder / "record.yaml"
    old_hash = yaml.safe_load(record.read_text())["sha256"]
    record.write_text(
        record.read_text().replace(old_hash, hashlib.sha256(text.encode()).hexdigest())
    )
    result = review(repo)
    assert result.exit_code == 1
    assert "The archived text was edited in place" in result.output


def test_problems_are_limited_to_the_changed_files(repo: Path) -> None:
    """A broken changed record is listed with its line; the report says it needs fixes."""
    record = repo / "zeta/license/2023-07-18/record.yaml"
    record.write_text(record.read_text().replace("coverage: full", "coverage: partial"))
    result = review(repo)
    assert result.exit_code == 1
    assert "❌ needs fixes" in result.output
    assert "terms/zeta/license/2023-07-18/record.yaml:" in result.output


def test_unknown_base_is_a_usage_error(repo: Path) -> None:
    """A base revision that does not exist is one clear message."""
    result = CliRunner().invoke(main, ["review", "--base", "nope", "--terms", str(repo)])
    assert result.exit_code == 2
    assert "cannot compare with git revision 'nope'" in result.output


def test_withdrawal_is_reported_as_a_date_change(repo: Path) -> None:
    """Ending a version early moves answers over a whole range: the report says so."""
    record = repo / "acme/terms/2023-03-14/record.yaml"
    record.write_text(
        record.read_text().replace("retrieved:", "withdrawn: '2023-12-01'\nretrieved:")
    )
    result = review(repo)
    assert "**dates changed:** withdrawn: none → 2023-12-01" in result.output
    assert "governs [2023-03-14, 2024-01-31) → [2023-03-14, 2023-12-01)" in result.output


# --- append-only history ------------------------------------------------------------------


def _rewrite_lines(output: str) -> list[str]:
    section = output.split("## History rewritten: not allowed", 1)
    assert len(section) == 2, output
    return [line for line in section[1].splitlines() if line.startswith("- terms/")]


def test_deleting_a_version_folder_fails(repo: Path) -> None:
    """Removing an archived version (its text and record) is refused, naming the folder."""
    import shutil

    shutil.rmtree(repo / "acme/terms/2023-03-14")
    result = review(repo)
    assert result.exit_code == 1
    lines = _rewrite_lines(result.output)
    assert "- terms/acme/terms/2023-03-14/text.txt: an archived text was deleted." in "\n".join(
        line.split(" Archived")[0] for line in lines
    )
    assert any(
        line.startswith("- terms/acme/terms/2023-03-14/: an archived version was removed")
        for line in lines
    )


def test_one_added_space_in_a_text_fails_even_with_its_hash_updated(repo: Path) -> None:
    """The issue's case: one space added to an archived text is caught by review."""
    folder = repo / "acme/terms/2024-01-31"
    text = (folder / "text.txt").read_text() + " "
    (folder / "text.txt").write_text(text)
    result = review(repo)
    assert result.exit_code == 1
    assert "- terms/acme/terms/2024-01-31/text.txt: an archived text was edited." in result.output
    assert "sha256 does not match text.txt" in result.output.split("other problem")[0]


def test_renaming_a_text_or_a_version_folder_fails(repo: Path) -> None:
    """A renamed version folder is a rewritten history: its old path is named."""
    (repo / "acme/terms/2024-01-31").rename(repo / "acme/terms/2024-02-01")
    git.Repo(repo.parent).git.add("-A")
    result = review(repo)
    assert result.exit_code == 1
    assert "- terms/acme/terms/2024-01-31/text.txt: an archived text was renamed to " in (
        result.output
    )


def test_changing_a_texts_mode_fails(repo: Path) -> None:
    """Even a file-mode change of an archived text is refused."""
    (repo / "acme/terms/2023-03-14/text.txt").chmod(0o755)
    result = review(repo)
    assert result.exit_code == 1
    assert "an archived text's file mode was changed" in result.output


def test_removing_a_document_fails(repo: Path) -> None:
    """A document is never removed: the review says to add a successor instead."""
    import shutil

    shutil.rmtree(repo / "zeta/license")
    result = review(repo)
    assert result.exit_code == 1
    assert "- terms/zeta/license/document.yaml: a document was removed." in result.output


def test_an_undeclared_file_in_an_archived_version_fails(repo: Path) -> None:
    """A new file slipped into an archived version must be declared as an erratum."""
    (repo / "acme/terms/2023-03-14/better.txt").write_text("A better text.\n")
    result = review(repo)
    assert result.exit_code == 1
    assert "a file was added to an archived version without being declared" in result.output


def test_an_erratum_is_accepted_and_every_answer_says_so(repo: Path) -> None:
    """A correction added as a declared erratum passes review and shows in answers."""
    import tos_kb

    folder = repo / "acme/terms/2023-03-14"
    corrected = (folder / "text.txt").read_text().replace("Example", "Example Corp")
    (folder / "text.corrected.txt").write_text(corrected)
    record = folder / "record.yaml"
    record.write_text(
        record.read_text()
        + "errata:\n"
        + "  - file: text.corrected.txt\n"
        + "    date: '2026-12-01'\n"
        + "    reason: the provider's name was cut off in the copy\n"
        + "    obtained_from: the provider's page, retrieved again\n"
        + f"    sha256: {hashlib.sha256(corrected.encode()).hexdigest()}\n"
    )
    result = review(repo)
    assert result.exit_code == 0, result.output
    assert "History rewritten" not in result.output
    d = tos_kb.load(repo).ask("acme", "train-on-outputs", on="2023-06-01", competing=True)
    assert (
        "acme/terms@2023-03-14: the archived text.txt was corrected on 2026-12-01 by "
        "text.corrected.txt (the provider's name was cut off in the copy)"
    ) in d.caveats


def test_a_correct_new_version_passes_with_its_direction(repo: Path) -> None:
    """Adding a well-formed version passes and the comment names the direction of change."""
    text = ACME_TERMS_V2.replace("second edition", "third edition")
    added = version("acme/terms", "2025-01-01", text, acme_rules_v2())
    folder = repo / "acme/terms/2025-01-01"
    folder.mkdir()
    (folder / "text.txt").write_text(text)
    (folder / "record.yaml").write_text(yaml.safe_dump(added["record"], sort_keys=False))
    result = review(repo)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Review of changes to terms/ since `HEAD`")
    assert "**✅ ready for legal review** — 2 file(s) changed." in result.output
    assert "## Added: `acme/terms@2025-01-01`" in result.output


def test_a_base_that_is_not_an_ancestor_is_refused(repo: Path) -> None:
    """Comparing with a branch that moved on would misreport; the message names the fix."""
    repository = git.Repo(repo.parent)
    main_branch = repository.active_branch.name
    repository.git.checkout("-b", "other")
    (repo / "acme/terms/2023-03-14/record.yaml").write_text(
        (repo / "acme/terms/2023-03-14/record.yaml").read_text() + "# note\n"
    )
    repository.index.add(["terms/acme/terms/2023-03-14/record.yaml"])
    repository.index.commit("other", author=git.Actor("t", "t@example.invalid"))
    repository.git.checkout(main_branch)
    result = CliRunner().invoke(main, ["review", "--base", "other", "--terms", str(repo)])
    assert result.exit_code == 2
    assert "'other' is not an ancestor of HEAD" in result.output
    assert "git merge-base other HEAD" in result.output


def test_uncommitted_changes_are_noted(repo: Path) -> None:
    """A dirty working tree is reviewed, with a note that a pull request holds only commits."""
    record = repo / "acme/terms/2023-03-14/record.yaml"
    record.write_text(record.read_text() + "# a comment\n")
    result = review(repo)
    assert "> Note: terms/ has uncommitted changes" in result.output


def test_the_comment_body_carries_the_marker_the_workflow_updates(repo: Path) -> None:
    """--comment starts the report with the marker; the workflow finds its comment by it."""
    from tos_kb.contribute.review import COMMENT_MARKER

    result = CliRunner().invoke(
        main, ["review", "--base", "HEAD", "--terms", str(repo), "--comment"]
    )
    lines = result.output.splitlines()
    assert lines[0] == COMMENT_MARKER
    assert lines[1].startswith("# Review of changes to terms/ since `HEAD`")
    workflow = (REPO / ".github/workflows/pull-request.yml").read_text(encoding="utf-8")
    steps = yaml.safe_load(workflow)["jobs"]["ci"]["steps"]
    commands = "\n".join(str(step.get("run", "")) for step in steps)
    script = next(s["with"]["script"] for s in steps if "github-script" in s.get("uses", ""))
    assert "tos-kb review" in commands and "--comment" in commands
    assert 'body.split("\\n", 1)[0]' in script and "updateComment" in script


def test_workflows_invent_no_address() -> None:
    """Addresses come from GitHub's context, never written into the workflows."""
    for path in (REPO / ".github/workflows").glob("*.yml"):
        text = path.read_text(encoding="utf-8")
        yaml.safe_load(text)
        assert "http://" not in text and "https://" not in text, path.name
