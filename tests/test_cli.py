"""The command line mirrors the API: readable by default, JSON for scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

import tos_kb
from tos_kb.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_ask_json(terms: Path) -> None:
    """--json prints the decision with verdict, citations and missing facts."""
    result = run(
        "ask",
        "acme",
        "train-on-outputs",
        "--on",
        "2023-06-01",
        "--fact",
        "competing=true",
        "--fact",
        "jurisdiction=rest-of-world",
        "--json",
        "--terms",
        str(terms),
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["verdict"] == "prohibited"
    assert data["citations"][0]["section"] == "2"


def test_ask_text_shows_verdict_and_quote(terms: Path) -> None:
    """The readable view names the verdict and quotes the deciding clause."""
    result = run(
        "ask",
        "zeta",
        "commercial-use",
        "--on",
        "2023-08-01",
        "--fact",
        "monthly_active_users=1_000",
        "--terms",
        str(terms),
    )
    assert result.exit_code == 0, result.output
    assert "PERMITTED" in result.output
    assert "for commercial purposes" in result.output


def test_ask_errors_are_usage_errors(terms: Path) -> None:
    """Unknown names and malformed facts exit 2 with one message, no traceback."""
    for args in (
        ["ask", "acme", "train", "--on", "2023-06-01"],
        ["ask", "acme", "train-on-outputs", "--on", "2023-06-01", "--fact", "x"],
        ["ask", "acme", "train-on-outputs", "--on", "2023-06-01", "--fact", "competing=maybe"],
        ["ask", "acme", "train-on-outputs", "--on", "yesterday"],
    ):
        result = run(*args, "--terms", str(terms))
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
        assert "Error" in result.output


def test_show_document_and_version(terms: Path) -> None:
    """show lists a document's versions with their intervals, and a version's rules."""
    doc = run("show", "acme/terms", "--terms", str(terms))
    assert "acme/terms@2023-03-14  [2023-03-14, 2024-01-31)" in doc.output
    version = run("show", "acme/terms@2024-01-31", "--terms", str(terms), "--json")
    assert json.loads(version.output)["effective"] == "2024-01-31"


def test_new_scaffolds_without_overwriting(terms: Path, tmp_path: Path) -> None:
    """new creates a version folder with the text's hash and every core action, once."""
    text = tmp_path / "t.txt"
    text.write_text("Some verbatim text\n")
    first = run("new", "acme/terms@2025-01-01", "--text", str(text), "--terms", str(terms))
    assert first.exit_code == 0, first.output
    record = (terms / "acme/terms/2025-01-01/record.yaml").read_text()
    assert "action: scrape-outputs" in record and "verdict: silent" in record
    (terms / "acme/terms/2025-01-01/record.yaml").write_text("mine")
    again = run("new", "acme/terms@2025-01-01", "--text", str(text), "--terms", str(terms))
    assert again.exit_code == 1
    assert (terms / "acme/terms/2025-01-01/record.yaml").read_text() == "mine"


def test_subjects_and_actions_list(terms: Path) -> None:
    """The vocabularies are listed for people and scripts."""
    subjects = json.loads(run("subjects", "--json", "--terms", str(terms)).output)
    assert {s["id"] for s in subjects} == {"acme-api", "zeta", "other-model"}
    assert "train-on-outputs" in run("actions", "--terms", str(terms)).output


def test_show_subject_lists_its_governing_documents(terms: Path) -> None:
    """show SUBJECT prints each governing document with its date range and basis."""
    result = run("show", "acme-chat", "--terms", str(terms))
    assert result.exit_code == 0, result.output
    assert "acme/terms (terms) 2023-03-14 → …" in result.output
    assert "acme/policy (policy if you are established in the EEA) 2023-03-14 → …" in result.output


def test_history_command(terms: Path) -> None:
    """`tos-kb history` prints each period with its verdict and deciding version."""
    result = run(
        "history",
        "acme",
        "train-on-outputs",
        "--fact",
        "competing=false",
        "--fact",
        "jurisdiction=rest-of-world",
        "--terms",
        str(terms),
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("2023-03-14 → 2024-01-31 permitted")
    assert lines[1].startswith("2024-01-31 → …          prohibited")
    data = json.loads(
        run("history", "acme", "train-on-outputs", "--json", "--terms", str(terms)).output
    )
    assert data[0]["from"] == "2023-03-14" and data[0]["decision"]["verdict"] == "conditional"


def test_new_for_a_new_provider_scaffolds_its_files(terms: Path, tmp_path: Path) -> None:
    """A first version of a new document also gets provider.yaml and document.yaml to fill in."""
    text = tmp_path / "t.txt"
    text.write_text("Some verbatim text\n")
    result = run("new", "newco/terms@2025-02-01", "--text", str(text), "--terms", str(terms))
    assert result.exit_code == 0, result.output
    assert (terms / "newco/provider.yaml").exists()
    assert "kind: TODO" in (terms / "newco/terms/document.yaml").read_text()
    check = run("validate", str(terms))
    assert check.exit_code == 1
    assert "terms/newco/terms/document.yaml:4:1: a placeholder from tos-kb new" in check.output
    assert "terms/newco/terms/2025-02-01/record.yaml" in check.output


def test_ask_imports_neither_the_record_models_nor_the_validator() -> None:
    """`tos-kb ask` answers from the compiled index: no pydantic, loader, validator or diffs."""
    import subprocess
    import sys

    tos_kb.load()  # a warm cache, as on every run after the first
    probe = (
        "import sys; from tos_kb.cli import main\n"
        "try:\n"
        "    main(['ask', 'openai', 'train-on-outputs', '--on', '2023-06-01',"
        " '--fact', 'competing=true'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = ['pydantic', 'tos_kb.records.loader', 'tos_kb.records.validate',"
        " 'tos_kb.diff.changes', 'rich']\n"
        "print('LOADED', [m for m in heavy if m in sys.modules])\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert "Verdict: PROHIBITED" in out
    assert "LOADED []" in out


def test_a_warm_ask_in_a_checkout_starts_no_process() -> None:
    """Once git's answer for the data release is remembered, `tos-kb ask` runs no git (nor
    any other process): the release comes from the cache, keyed by the files git reads."""
    import os
    import subprocess
    import sys
    import time

    import pytest

    from tos_kb.store.releasememo import HARMLESS

    if any(n.startswith("GIT_") and not n.startswith(HARMLESS) for n in os.environ):
        pytest.skip("a GIT_* variable moves what git reads: git is asked every time, by design")
    tos_kb.load()
    probe = (
        "import sys; from tos_kb.cli import main\n"
        "try:\n"
        "    main(['ask', 'openai', 'train-on-outputs', '--on', '2023-06-01',"
        " '--fact', 'competing=true'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('PROCESSES', 'subprocess' in sys.modules)\n"
    )
    outs = []
    for _ in range(40):  # git may refresh its index for a second after a fresh clone
        out = subprocess.run(
            [sys.executable, "-c", probe], capture_output=True, text=True, check=True
        ).stdout
        outs.append(out.splitlines())
        if "PROCESSES False" in out:
            break
        time.sleep(0.1)
    assert "PROCESSES False" in outs[-1][-1]
    assert {lines[-2] for lines in outs} == {outs[0][-2]}  # the same data release each time
    assert outs[0][-2].startswith("Data release: ")


def _without_rich(*args: str) -> Any:
    """``tos-kb ARGS`` in a child Python where rich cannot be imported (a partial install)."""
    import subprocess
    import sys

    probe = (
        "import sys; sys.modules['rich'] = None\n"
        "from tos_kb.cli import main\n"
        f"main({list(args)!r})\n"
    )
    return subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)


def test_validate_prints_plain_text_without_rich() -> None:
    """Piped output never needs rich: validate reports in plain text even where rich is absent."""
    done = _without_rich("validate")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK: ") and "no problems." in done.stdout
    assert "Traceback" not in done.stderr


def test_a_missing_dependency_is_one_line_not_a_traceback() -> None:
    """A command that needs rich (tables) names the missing package and how to install it."""
    done = _without_rich("subjects")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1
    assert "the package 'rich' that tos-kb needs is not installed" in done.stderr
