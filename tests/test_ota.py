"""Open Terms Archive interop: import-ota and watch over small OTA-shaped repositories.

Each test builds a versions repository with gitpython in a temporary folder:
real changes, a technical upgrade, a renamed service, a service the mapping
does not know, and datelines that can and cannot be read.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import git
import pytest
import yaml
from click.testing import CliRunner
from kbbuilder import ACME_TERMS_V2

from tos_kb.cli import main
from tos_kb.interop.ota_text import find_dateline, normalise_markdown, same_text
from tos_kb.records.loader import load_archive
from tos_kb.records.validate import check_structure

MAPPING = {
    "collections": [{"name": "Test Contrib", "repository": "OpenTermsArchive/test-versions"}],
    "documents": [
        {
            "document": "acme/terms",
            "sources": [
                {"service": "Acme", "terms_type": "Terms of Service"},
                {"service": "Acme Chat", "terms_type": "Terms of Service"},
            ],
        }
    ],
}
# The archived 2024-01-31 text as OTA would render it: Markdown emphasis, a link,
# non-breaking and zero-width spaces, curly quotes. Same words after normalisation.
AS_RECORDED = (
    "Example Corp Terms of Use, second edition (a fictional text for tests)\n"
    "1. **Use.** You may use the [Services](https://example.invalid/s)\u00a0and you own "
    "the Output.\n"
    "2. **Restrictions.** You may not use Output to train any\u200b model.\n"
    "3. You may not scrape the Services.\n"
)
CHANGED = (
    "Effective: May 1, 2024\n\n" + AS_RECORDED.replace("train any\u200b model", "train any model")
) + "4. **Evaluation.** You may use Output to evaluate models.\n"
UNREADABLE = CHANGED.replace("Effective: May 1, 2024", "Effective: the first Monday of June")


def commit(repo: git.Repo, files: dict[str, str], message: str, day: str) -> str:
    """Write files and commit them as the OTA bot does, on ``day``."""
    root = Path(repo.working_tree_dir or ".")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
        repo.index.add([name])
    when = f"{day} 10:00:00 +0000"
    actor = git.Actor("Open Terms Archive Bot", "bot@example.invalid")
    return repo.index.commit(
        message, author=actor, committer=actor, author_date=when, commit_date=when
    ).hexsha


@pytest.fixture
def ota(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A versions repository with every case, and the commits by name."""
    path = tmp_path / "test-versions"
    repo = git.Repo.init(path)
    shas = {}
    shas["readme"] = commit(
        repo,
        {"README.md": "# Versions of terms from the *Test Contrib* collection\n"},
        "Initial commit",
        "2024-01-01",
    )
    old = "Acme/Terms of Service.md"
    new = "Acme Chat/Terms of Service.md"
    shas["first"] = commit(
        repo, {old: AS_RECORDED}, "First record of Acme Terms of Service", "2024-02-01"
    )
    shas["upgrade"] = commit(
        repo,
        {old: AS_RECORDED.replace("\u00a0", " ")},
        "Apply technical or declaration upgrade on Acme Terms of Service",
        "2024-03-01",
    )
    shas["renamed"] = commit(
        repo, {new: AS_RECORDED}, "First record of Acme Chat Terms of Service", "2024-04-01"
    )
    shas["change"] = commit(
        repo, {new: CHANGED}, "Record new changes of Acme Chat Terms of Service", "2024-05-02"
    )
    shas["unmapped"] = commit(
        repo,
        {"Other/Privacy Policy.md": "We keep nothing.\n"},
        "First record of Other Privacy Policy",
        "2024-05-03",
    )
    shas["unreadable"] = commit(
        repo, {new: UNREADABLE}, "Record new changes of Acme Chat Terms of Service", "2024-06-10"
    )
    return path, shas


@pytest.fixture
def mapped(terms: Path) -> Path:
    """The fictional archive with a mapping to the test collection."""
    (terms / "ota-mapping.yaml").write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    return terms


def run(*args: str | Path):
    return CliRunner().invoke(main, [str(a) for a in args])


def listing(ota_path: Path, terms: Path, *extra: str) -> list[dict]:
    result = run("import-ota", ota_path, "--document", "acme/terms", "--terms", terms,
                 "--format", "json", *extra)  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_markdown_normalisation_keeps_words_only() -> None:
    """Link targets, emphasis, odd spaces and curly quotes do not count as changes; words do."""
    assert same_text(ACME_TERMS_V2, AS_RECORDED)
    assert normalise_markdown("“Output”\u00a0**is** [yours](https://x.invalid)") == (
        '"Output" is yours'
    )
    assert not same_text(ACME_TERMS_V2, CHANGED)


@pytest.mark.parametrize(
    ("text", "kind", "day"),
    [
        ("Effective: May 1, 2024\n", "effective", "2024-05-01"),
        ("_Last Updated: October 12th 2023_\n", "last updated", "2023-10-12"),
        ("Updated: 16 January 2026\n\nEffective 22 May 2024\n", "effective", "2024-05-22"),
        ("UpdatedJanuary 10, 2024\n", "updated", "2024-01-10"),
        ("Effective: the first Monday of June\n", "effective", None),
        ("Effective:June 31, 2026\n", "effective", None),
        ("Effective:November 28, 2025\n", "effective", "2025-11-28"),
        ("Last Update: March 3, 2025\n", "last updated", "2025-03-03"),
        ("**Last update:** 3 March 2025\n", "last updated", "2025-03-03"),
        ("Last Update: March 3, 2025\nEffective:April 1, 2025\n", "effective", "2025-04-01"),
    ],
)
def test_datelines(text: str, kind: str, day: str | None) -> None:
    """An effective date wins over an update date; an unreadable date is kept as words only."""
    found = find_dateline(text)
    assert found is not None
    assert (found.kind, found.day and found.day.isoformat()) == (kind, day)


def test_no_dateline_and_sentences_are_not_datelines() -> None:
    """A sentence that starts with 'updated' is not a dateline, nor is a date deep in the text."""
    assert find_dateline("updated the terms on May 1, 2024\n") is None
    assert find_dateline("Last updates: May 1, 2024\n") is None
    assert find_dateline("x\n" * 2000 + "Effective: May 1, 2024\n") is None


def test_listing_kinds_archived_marks_and_renames(
    ota: tuple[Path, dict[str, str]], mapped: Path
) -> None:
    """Both files of a renamed service are listed; upgrades are not offered; archived is marked."""
    path, shas = ota
    rows = listing(path, mapped)
    by_commit = {r["commit"]: r for r in rows}
    assert [r["commit"] for r in rows] == [
        shas[k] for k in ("first", "upgrade", "renamed", "change", "unreadable")
    ]
    assert by_commit[shas["first"]]["archived"] == {
        "version": "acme/terms@2024-01-31",
        "how": "text",
    }
    assert by_commit[shas["renamed"]]["path"] == "Acme Chat/Terms of Service.md"
    assert by_commit[shas["upgrade"]]["kind"] == "technical-upgrade"
    assert [r["commit"] for r in rows if r["offered"]] == [shas["change"], shas["unreadable"]]
    assert by_commit[shas["change"]]["dateline_day"] == "2024-05-01"
    assert by_commit[shas["unreadable"]]["dateline_day"] is None
    assert [r["commit"] for r in listing(path, mapped, "--since", "2024-05-01")] == [
        shas["change"],
        shas["unreadable"],
    ]


def test_listing_writes_nothing(ota: tuple[Path, dict[str, str]], mapped: Path) -> None:
    """Without --pick or --latest the archive is untouched."""
    before = sorted(p.relative_to(mapped) for p in mapped.rglob("*"))
    listing(ota[0], mapped)
    assert sorted(p.relative_to(mapped) for p in mapped.rglob("*")) == before


def test_import_with_dateline(ota: tuple[Path, dict[str, str]], mapped: Path) -> None:
    """A picked version gets the verbatim OTA text, OTA as source, the dateline as effective."""
    path, shas = ota
    result = run("import-ota", path, "--document", "acme/terms", "--terms", mapped,
                 "--pick", shas["change"][:8])  # fmt: skip
    assert result.exit_code == 0, result.output
    folder = mapped / "acme" / "terms" / "2024-05-01"
    assert (folder / "text.txt").read_bytes() == CHANGED.encode()
    record = yaml.safe_load((folder / "record.yaml").read_text(encoding="utf-8"))
    assert record["effective"].isoformat() == "2024-05-01"
    assert record["effective_basis"] == 'stated in the text: "Effective: May 1, 2024"'
    assert record["retrieved"].isoformat() == "2024-05-02"
    assert 'collection "Test Contrib"' in record["obtained_from"]
    assert "OpenTermsArchive/test-versions" in record["obtained_from"]
    assert 'path "Acme Chat/Terms of Service.md"' in record["obtained_from"]
    assert shas["change"] in record["obtained_from"]
    assert "ODC-BY 1.0" in record["obtained_from"]
    archive = load_archive(mapped)
    check_structure(archive)
    left = {(p.field, p.code) for p in archive.problems if "2024-05-01" in p.file}
    # only the lawyer's work is left: the title and the rules
    assert ("title", "placeholder") in left
    assert not any(f and f.startswith(("effective", "retrieved", "obtained")) for f, _ in left)
    again = run("import-ota", path, "--document", "acme/terms", "--terms", mapped,
                "--pick", shas["change"])  # fmt: skip
    assert again.exit_code == 1
    assert "nothing was written" in again.output
    assert (folder / "text.txt").read_bytes() == CHANGED.encode()


def test_import_unreadable_dateline_is_left_for_the_lawyer(
    ota: tuple[Path, dict[str, str]], mapped: Path
) -> None:
    """No readable date: named by the observation date, effective unknown, flagged by validate."""
    path, _ = ota
    result = run("import-ota", path, "--document", "acme/terms", "--terms", mapped, "--latest")
    assert result.exit_code == 0, result.output
    record = yaml.safe_load(
        (mapped / "acme" / "terms" / "2024-06-10" / "record.yaml").read_text(encoding="utf-8")
    )
    assert record["effective"] == "unknown"
    assert [d.isoformat() for d in record["in_force_on"]] == ["2024-06-10"]
    assert record["effective_basis"].startswith("TODO")
    assert "the first Monday of June" in record["effective_basis"]
    archive = load_archive(mapped)
    check_structure(archive)
    assert any(
        p.field == "effective_basis" and p.code == "placeholder" and "2024-06-10" in p.file
        for p in archive.problems
    )


@pytest.mark.parametrize(
    ("key", "status", "words"),
    [
        ("upgrade", 2, "technical or declaration upgrade"),
        ("first", 1, "already archived as acme/terms@2024-01-31"),
    ],
)
def test_pick_refuses_upgrades_and_archived_versions(
    ota: tuple[Path, dict[str, str]], mapped: Path, key: str, status: int, words: str
) -> None:
    """An upgrade is never a new version; an archived one is never imported twice."""
    path, shas = ota
    result = run("import-ota", path, "--document", "acme/terms", "--terms", mapped,
                 "--pick", shas[key])  # fmt: skip
    assert result.exit_code == status
    assert words in result.output
    assert not (mapped / "acme" / "terms" / "2024-02-01").exists()


def test_bad_input_is_one_line(
    ota: tuple[Path, dict[str, str]], mapped: Path, tmp_path: Path
) -> None:
    """Not a git repository, not OTA-shaped, unknown document: one line, status 2."""
    plain = git.Repo.init(tmp_path / "plain")
    commit(plain, {"a.txt": "x"}, "add a file", "2024-01-01")
    (tmp_path / "empty").mkdir()
    cases = [
        (tmp_path / "empty", "acme/terms", "is not a git repository"),
        (tmp_path / "missing", "acme/terms", "no such folder"),
        (tmp_path / "plain", "acme/terms", "is not an Open Terms Archive versions repository"),
        (ota[0], "acme/term", "acme/term is not mapped"),
        (ota[0], "acme/policy", "acme/policy is not mapped"),
    ]
    for where, document, words in cases:
        for command in (
            ["import-ota", where, "--document", document, "--terms", mapped],
            ["watch", where, "--terms", mapped],
        ):
            if command[0] == "watch" and document != "acme/terms":
                continue
            result = run(*command)
            assert result.exit_code == 2, (command, result.output)
            assert words in result.output
            assert len(result.output.strip().splitlines()) == 1
            assert "Traceback" not in result.output


def test_unmapped_service_and_unknown_commit(
    ota: tuple[Path, dict[str, str]], mapped: Path
) -> None:
    """A service the mapping lacks is not listed; a commit of it cannot be picked."""
    path, shas = ota
    rows = listing(path, mapped)
    assert all(r["path"].startswith("Acme") for r in rows)
    result = run("import-ota", path, "--document", "acme/terms", "--terms", mapped,
                 "--pick", shas["unmapped"])  # fmt: skip
    assert result.exit_code == 2
    assert "not among the listed versions" in result.output


def test_watch_reports_changes_after_newest_version(
    ota: tuple[Path, dict[str, str]], mapped: Path
) -> None:
    """Watch finds the newest archived version in OTA and reports the real changes after it."""
    path, shas = ota
    result = run("watch", path, "--terms", mapped, "--format", "json")
    assert result.exit_code == 1, result.output
    report = json.loads(result.output)
    assert report["changed"] == ["acme/terms"]
    (doc,) = report["documents"]
    assert doc["newest_archived"] == "acme/terms@2024-01-31"
    assert doc["found_by"] == "text"
    assert [(c["commit"], c["status"]) for c in doc["changes"]] == [
        (shas["change"], "pending"),
        (shas["unreadable"], "pending"),
    ]
    first = doc["changes"][0]
    assert first["observed"] == "2024-05-02"
    # the 2024-01-31 rules' quotes still stand in the changed text
    assert first["quotes_gone"] == []
    assert any("Evaluation" in clause for clause in first["clauses"])
    text = run("watch", path, "--terms", mapped)
    assert "acme/terms: 2 pending" in text.output
    markdown = run("watch", path, "--terms", mapped, "--format", "markdown")
    assert "## `acme/terms`" in markdown.output
    assert f"`{shas['unreadable'][:7]}`" in markdown.output
    later = run("watch", path, "--terms", mapped, "--since", "2024-06-01", "--format", "json")
    assert [c["commit"] for c in json.loads(later.output)["documents"][0]["changes"]] == [
        shas["unreadable"]
    ]


def test_watch_quiet_once_imported_or_reviewed(
    ota: tuple[Path, dict[str, str]], mapped: Path
) -> None:
    """After importing one change and reviewing the other as cosmetic, watch exits 0."""
    path, shas = ota
    assert run("import-ota", path, "--document", "acme/terms", "--terms", mapped,
               "--pick", shas["change"]).exit_code == 0  # fmt: skip
    still = json.loads(run("watch", path, "--terms", mapped, "--format", "json").output)
    assert [c["commit"] for c in still["documents"][0]["changes"]] == [shas["unreadable"]]
    mapping = dict(MAPPING)
    mapping["reviewed"] = [
        {
            "document": "acme/terms",
            "commit": shas["unreadable"][:7],
            "observed": "2024-06-10",
            "judgement": "cosmetic",
            "summary": "only the dateline changed",
        }
    ]
    (mapped / "ota-mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    result = run("watch", path, "--terms", mapped)
    assert result.exit_code == 0, result.output
    assert "0 of 1 mapped document(s)" in result.output


@pytest.fixture
def upgraded(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository where technical upgrades follow the archived text: one moves the dateline."""
    path = tmp_path / "upgrade-versions"
    repo = git.Repo.init(path)
    readme = {"README.md": "# Versions of terms from the *Test Contrib* collection\n"}
    commit(repo, readme, "Initial commit", "2024-01-01")
    name = "Acme/Terms of Service.md"
    shas = {"first": commit(repo, {name: AS_RECORDED}, "First record of Acme Terms", "2024-02-01")}
    upgrade = "Apply technical or declaration upgrade on Acme Terms of Service"
    # same words, another extraction: no dateline moved, not reported
    shas["same"] = commit(repo, {name: AS_RECORDED.replace("\u00a0", " ")}, upgrade, "2024-03-01")
    moved = "Effective: June 26, 2024\n\n" + AS_RECORDED + "4. You may not sell Output.\n"
    shas["moved"] = commit(repo, {name: moved}, upgrade, "2024-07-08")
    # words change again under the same dateline: an upgrade, not reported
    shas["again"] = commit(repo, {name: moved + "5. Be kind.\n"}, upgrade, "2024-07-09")
    return path, shas


def test_watch_reports_an_upgrade_that_moves_the_dateline(
    upgraded: tuple[Path, dict[str, str]], mapped: Path
) -> None:
    """An upgrade is never a version, but one that changes the dateline is reported."""
    path, shas = upgraded
    result = run("watch", path, "--terms", mapped, "--format", "json")
    assert result.exit_code == 1, result.output
    (doc,) = json.loads(result.output)["documents"]
    (change,) = doc["changes"]
    assert (change["commit"], change["status"], change["kind"]) == (
        shas["moved"],
        "pending",
        "technical-upgrade",
    )
    assert (change["dateline_before"], change["dateline"]) == ("(none)", "Effective: June 26, 2024")
    assert any("sell Output" in clause for clause in change["clauses"])
    text = run("watch", path, "--terms", mapped).output
    assert "upgrade (never imported) changed the dateline" in text
    markdown = run("watch", path, "--terms", mapped, "--format", "markdown").output
    assert "(upgrade; was (none))" in markdown
    # the upgrade still cannot be imported
    refused = run("import-ota", path, "--document", "acme/terms", "--terms", mapped,
                  "--pick", shas["moved"])  # fmt: skip
    assert refused.exit_code != 0 and "technical or declaration upgrade" in refused.output


def test_an_upgrade_listed_as_not_obtained_is_settled(
    upgraded: tuple[Path, dict[str, str]], mapped: Path
) -> None:
    """Listing the version the upgrade revealed under not_obtained settles it; so does a review."""
    path, shas = upgraded
    document = mapped / "acme" / "terms" / "document.yaml"
    data = yaml.safe_load(document.read_text(encoding="utf-8"))
    data["not_obtained"] = [{"effective": "2024-06-26", "source": "an OTA technical upgrade"}]
    document.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = run("watch", path, "--terms", mapped, "--format", "json")
    assert result.exit_code == 0, result.output
    (change,) = json.loads(result.output)["documents"][0]["changes"]
    assert change["status"] == "not obtained"
    data["not_obtained"] = [{"effective": "2024-06-27", "source": "another day"}]
    document.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert run("watch", path, "--terms", mapped).exit_code == 1
    mapping = dict(MAPPING)
    mapping["reviewed"] = [
        {
            "document": "acme/terms",
            "commit": shas["moved"][:10],
            "observed": "2024-07-08",
            "judgement": "cosmetic",
            "summary": "the dateline moved but the words on core actions did not",
        }
    ]
    (mapped / "ota-mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    result = run("watch", path, "--terms", mapped, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["documents"][0]["changes"][0]["status"] == "reviewed: cosmetic"


def test_quotes_gone_names_the_actions_whose_words_left() -> None:
    """An action is named when its deciding quote is no longer in the new text."""
    from tos_kb.interop.watch import quotes_gone

    quotes = [("train-on-outputs", "You may not use Output to train any model."), ("x", "Use.")]
    assert quotes_gone(quotes, AS_RECORDED) == []
    assert quotes_gone(quotes, AS_RECORDED.replace("train any", "teach any")) == [
        "train-on-outputs"
    ]


def test_validate_checks_the_mapping(mapped: Path) -> None:
    """Unknown documents and collections in the mapping are reported where they stand."""
    mapping = json.loads(json.dumps(MAPPING))
    mapping["documents"].append(
        {
            "document": "acme/term",
            "sources": [{"service": "X", "terms_type": "Y", "collections": ["Nope"]}],
        }
    )
    (mapped / "ota-mapping.yaml").write_text(yaml.safe_dump(mapping), encoding="utf-8")
    archive = load_archive(mapped)
    check_structure(archive)
    messages = {p.message for p in archive.problems}
    assert "unknown document 'acme/term'" in messages
    assert "unknown collection 'Nope'" in messages


def test_validate_requires_cited_ota_files_to_be_mapped(terms: Path) -> None:
    """A version copied from an OTA file the mapping lacks is reported on its record."""
    (terms / "ota-mapping.yaml").write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    record = terms / "acme" / "terms" / "2023-03-14" / "record.yaml"
    data = yaml.safe_load(record.read_text(encoding="utf-8"))
    data["obtained_from"] = (
        'public repository OpenTermsArchive/test-versions, path "Acme/Usage Policy.md", '
        "commit 0123456789abcdef0123456789abcdef01234567"
    )
    record.write_text(yaml.safe_dump(data), encoding="utf-8")
    archive = load_archive(terms)
    check_structure(archive)
    (problem,) = [p for p in archive.problems if p.field == "obtained_from"]
    assert 'Open Terms Archive file "Acme/Usage Policy.md"' in problem.message


# --- the real collections ---------------------------------------------------------

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "ota"
BUNDLES = ("GenAI-versions", "genai-eu-versions")


@pytest.fixture(scope="module")
def real_repos(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The two real versions repositories, cloned from their bundles (skip when absent)."""
    if not all((SHARED / f"{name}.bundle").is_file() for name in BUNDLES):
        pytest.skip("the Open Terms Archive bundles are not beside the repository")
    folder = tmp_path_factory.mktemp("ota")
    for name in BUNDLES:
        subprocess.run(
            ["git", "clone", "-q", str(SHARED / f"{name}.bundle"), str(folder / name)],
            check=True,
        )
    return [folder / name for name in BUNDLES]


def test_real_collections_watch(real_repos: list[Path]) -> None:
    """Over the real collections every mapped document is found, each change dated."""
    result = run("watch", *real_repos, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    report = json.loads(result.output)
    documents = {d["document"]: d for d in report["documents"]}
    archive = load_archive(Path(__file__).resolve().parents[1] / "terms")
    assert archive.ota_mapping is not None
    assert set(documents) == {d.document for d in archive.ota_mapping.documents}
    for doc in documents.values():
        for change in doc["changes"]:
            assert change["observed"] and len(change["commit"]) == 40
            assert change["status"] in ("pending", "formatting only", "not obtained") or change[
                "status"
            ].startswith("reviewed")
    assert (result.exit_code == 1) == bool(report["changed"])
    # the Grok terms effective 2026-06-26 exist only in a technical upgrade: reported, and
    # settled because the document lists that version as not obtained
    grok = {c["commit"][:7]: c for c in documents["xai/terms-of-service"]["changes"]}
    assert grok["1656b3a"]["kind"] == "technical-upgrade"
    assert grok["1656b3a"]["status"] == "not obtained"
    assert grok["1656b3a"]["dateline"] == "Effective: June 26, 2026"


def test_real_collections_list_archived_versions(real_repos: list[Path]) -> None:
    """The versions our records cite are listed as archived, and upgrades are never offered."""
    result = run("import-ota", real_repos[0], "--document", "xai/terms-of-service",
                 "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    archived = {r["archived"]["version"] for r in rows if r["archived"]}
    assert {
        "xai/terms-of-service@2024-06-04",
        "xai/terms-of-service@2025-02-14",
        "xai/terms-of-service@2025-11-04",
    } <= archived
    assert not any(r["offered"] for r in rows if r["kind"] == "technical-upgrade")
    assert {r["path"] for r in rows} == {"xAI/Terms of Service.md", "Grok/Terms of Service.md"}
