"""Which archive load() reads, and the data release every answer records.

The wheel itself is built, installed outside the checkout and compared answer
for answer with the checkout by ``.ci/check-package`` (run by ``.ci/run``).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import tos_kb
from tos_kb.cli import main
from tos_kb.store import locate, release

REPO = Path(__file__).resolve().parent.parent


def test_an_explicit_path_wins_over_the_environment(monkeypatch, tmp_path: Path) -> None:
    """load(path) reads that path even when TOS_KB_TERMS names another."""
    monkeypatch.setenv("TOS_KB_TERMS", str(tmp_path / "elsewhere"))
    assert locate.locate(REPO / "terms") == locate.Located(REPO / "terms", "explicit")


def test_the_environment_wins_over_the_checkout(monkeypatch, tmp_path: Path) -> None:
    """TOS_KB_TERMS points a default load() at a private fork."""
    monkeypatch.setenv("TOS_KB_TERMS", str(tmp_path))
    assert locate.locate() == locate.Located(tmp_path, "environment")


def test_a_checkout_reads_its_own_terms(monkeypatch) -> None:
    """Running from a clone, the default archive is the clone's terms/."""
    monkeypatch.delenv("TOS_KB_TERMS", raising=False)
    assert locate.locate() == locate.Located(REPO / "terms", "checkout")


def test_no_archive_anywhere_is_one_clear_error(monkeypatch) -> None:
    """Outside a checkout, with no packaged archive and nothing named, the error says what to do."""
    monkeypatch.delenv("TOS_KB_TERMS", raising=False)
    monkeypatch.setattr(locate, "checkout_terms", lambda: None)
    monkeypatch.setattr(locate, "PACKAGED", REPO / "no-such-folder")
    with pytest.raises(locate.NoArchiveError, match="TOS_KB_TERMS"):
        locate.locate()


@pytest.mark.parametrize(
    ("newest", "commit", "dirty", "expected"),
    [
        ("2025-11-04", "1a2b3c4d5e6f7a8b9c0d", False, "2025-11-04+g1a2b3c4d5e6f"),
        ("2025-11-04", "1a2b3c4d5e6f7a8b9c0d", True, "2025-11-04+g1a2b3c4d5e6f.dirty"),
        ("2025-11-04", None, False, "2025-11-04+unversioned"),
        (None, None, False, "undated+unversioned"),
    ],
)
def test_release_ids(newest, commit, dirty, expected) -> None:
    """A release id is the newest archived change, then the commit, marked dirty if edited."""
    assert release.make(newest, commit, dirty).id == expected


def test_every_answer_records_its_data_release() -> None:
    """Decision.to_dict() and explain() name the data release; it matches the checkout's git."""
    kb = tos_kb.load()
    d = kb.ask("openai", "train-on-outputs", on="2023-06-01", competing=True)
    head = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert d.to_dict()["release"] == kb.release.id
    assert f"+g{head[:12]}" in kb.release.id
    assert kb.release.newest_change == kb.index.newest_change().isoformat()
    assert f"Data release: {kb.release.id}" in d.explain()
    assert all(p.decision.release == kb.release.id for p in kb.history("openai", "commercial-use"))


def test_a_folder_outside_git_is_unversioned(tmp_path: Path) -> None:
    """An archive copied out of git says so rather than naming a commit it cannot know."""
    import shutil

    shutil.copytree(REPO / "terms", tmp_path / "terms")
    kb = tos_kb.load(tmp_path / "terms")
    assert kb.release.id.endswith("+unversioned")
    assert kb.release.commit is None


def test_where_names_the_archive_and_its_release() -> None:
    """`tos-kb where` says which archive answers, how it was chosen, and its release."""
    result = CliRunner().invoke(main, ["where", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    kb = tos_kb.load()
    assert data["archive"] == str(kb.root)
    assert data["origin"] == "checkout"
    assert data["release"]["id"] == kb.release.id
    assert data["versions"] == sum(len(v) for v in kb.archive.versions.values())
    text = CliRunner().invoke(main, ["where"]).output
    assert f"release   {kb.release.id}" in text


def test_the_json_export_records_the_release() -> None:
    """The site's JSON export names the data release, so the browser's answers do too."""
    from tos_kb.sitegen.export import build_export

    kb = tos_kb.load()
    assert build_export(kb, with_changes=False)["archive"]["release"] == kb.release.id
