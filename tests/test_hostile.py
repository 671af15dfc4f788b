"""Every case of tests/hostile_cases.yaml, run by its id: what it prints must hold `message`.

Each case sets up the hostile input, checks what must (not) happen (no code run, no
temporary file left, nothing published) and returns the text the user sees; the
generic test checks the table's message in it. The site's "Hostile input" page is
generated from the same table, so the page and the tests cannot drift apart.
"""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import git
import pytest
import yaml
from click.testing import CliRunner
from kbbuilder import write_kb

import tos_kb
from tos_kb.cli import main
from tos_kb.errors import InputError
from tos_kb.store import cache

REPO = Path(__file__).resolve().parent.parent
CASES = yaml.safe_load((Path(__file__).parent / "hostile_cases.yaml").read_text("utf-8"))
POLICY = "acme/policy/2023-01-01"
Case = Callable[[Path, pytest.MonkeyPatch, pytest.CaptureFixture[str]], str]
RUNS: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(func: Case) -> Case:
        RUNS[name] = func
        return func

    return register


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def validate(terms: Path) -> str:
    _, output = run("validate", str(terms))
    return output


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("TOS_KB_CACHE", str(folder))
    monkeypatch.delenv("TOS_KB_NO_CACHE", raising=False)
    cache._said.clear()
    return folder


class Planted:
    """A pickle that, if unpickled, would create a file: proof that code ran."""

    def __init__(self, proof: Path):
        self.proof = proof

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.proof), "code ran"))  # type: ignore[return-value]


def plant(terms: Path, proof: Path) -> Path:
    """A hostile pickle as the cache entry of ``terms``."""
    folder = cache.cache_dir()
    assert folder is not None
    folder.mkdir(mode=0o700, exist_ok=True)
    entry = folder / f"{cache.fingerprint(terms)}.pickle"
    entry.write_bytes(framed(pickle.dumps(Planted(proof))))
    return entry


def framed(payload: bytes) -> bytes:
    """A payload with the entry's header and checksum, as anyone who can write a file can."""
    return cache.MAGIC + hashlib.sha256(payload).digest() + payload


def answer(terms: Path) -> str:
    kb = tos_kb.load(terms)
    return str(kb.ask("zeta", "fine-tune-weights", on="2023-08-01", monthly_active_users=1).verdict)


# --- cache ----------------------------------------------------------------------------


@case("cache-foreign-owner")
def _foreign(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms, proof = write_kb(tmp_path / "kb"), tmp_path / "proof"
    os.chown(plant(terms, proof), 65534, 65534) if os.getuid() == 0 else None
    if os.getuid() != 0:
        mp.setattr(os, "getuid", lambda: os.geteuid() + 1)  # the entry is then "another user's"
    assert answer(terms) == "permitted"
    assert not proof.exists()
    return cap.readouterr().err


@case("cache-writable-folder")
def _writable(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms, proof = write_kb(tmp_path / "kb"), tmp_path / "proof"
    entry = plant(terms, proof)
    os.chmod(entry.parent, 0o777)
    assert answer(terms) == "permitted"
    assert not proof.exists()
    err = cap.readouterr().err
    assert err.count("writable by other users") == 1  # said once, though read and written
    return err


@case("cache-code-in-own-entry")
def _own(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms, proof = write_kb(tmp_path / "kb"), tmp_path / "proof"
    entry = plant(terms, proof)
    assert answer(terms) == "permitted"
    assert not proof.exists()
    assert cache.loads(entry.read_bytes(), cache.fingerprint(terms))  # replaced by a good one
    return cap.readouterr().err


@case("cache-corrupt-bytes")
def _corrupt(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    tos_kb.load(terms)
    [entry] = cache.cache_dir().glob("*.pickle")  # type: ignore[union-attr]
    good = entry.read_bytes()
    rng = random.Random(11)
    said = ""
    for _ in range(40):
        damaged = bytearray(good)
        damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        entry.write_bytes(bytes(damaged))
        cache._said.clear()
        assert answer(terms) == "permitted"
        assert answer(terms) == "permitted"
        said += cap.readouterr().err
    return said


@case("cache-wrong-object")
def _wrong(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    tos_kb.load(terms)
    [entry] = cache.cache_dir().glob("*.pickle")  # type: ignore[union-attr]
    entry.write_bytes(framed(pickle.dumps((cache.FORMAT, cache.fingerprint(terms), {"a": 1}))))
    assert answer(terms) == "permitted"
    return cap.readouterr().err


@case("cache-same-size-edit")
def _stale(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    question = ("acme-api", "scrape-outputs", "2023-06-01")
    before = tos_kb.load(terms).ask(*question, jurisdiction="rest-of-world").verdict
    record = terms / "acme/terms/2023-03-14/record.yaml"
    text, stat = record.read_text(), record.stat()
    edited = text.replace(
        "verdict: prohibited\n  section: '3'", "verdict: permitted \n  section: '3'"
    )
    assert len(edited) == len(text) and edited != text
    record.write_text(edited)
    os.utime(record, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as touch -r, cp -p, tar do
    after = tos_kb.load(terms).ask(*question, jurisdiction="rest-of-world").verdict
    assert (before, after) == ("prohibited", "permitted")
    return str(after)


@case("cache-entry-is-folder")
def _folder(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    folder = cache.cache_dir()
    assert folder is not None
    folder.mkdir(mode=0o700)
    (folder / f"{cache.fingerprint(terms)}.pickle").mkdir()
    for _ in range(3):
        assert answer(terms) == "permitted"
    left = [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]
    assert left == [] and (folder / f"{cache.fingerprint(terms)}.pickle").is_file()
    return "no temporary file"


# --- archive files ----------------------------------------------------------------------


def link_text(tmp_path: Path, target: str, *, matching_hash: bool = False) -> Path:
    terms = write_kb(tmp_path / "kb")
    text = terms / POLICY / "text.txt"
    text.unlink()
    text.symlink_to(target)
    if matching_hash:
        record = terms / POLICY / "record.yaml"
        digest = hashlib.sha256(Path(target).read_bytes()).hexdigest()
        lines = [
            f"sha256: {digest}" if line.startswith("sha256:") else line
            for line in record.read_text().splitlines()
        ]
        record.write_text("\n".join(lines) + "\n")
    return terms


@case("text-links-to-passwd")
def _passwd(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = link_text(tmp_path, "/etc/passwd", matching_hash=True)
    output = validate(terms)
    assert "sha256 does not match" not in output
    with pytest.raises(tos_kb.KnowledgeBaseError):
        tos_kb.load(terms)
    return output


@case("site-proc-environ")
def _environ(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    from tos_kb.sitegen.build import run_mkdocs

    terms = link_text(tmp_path, "/proc/self/environ")
    dest = tmp_path / "public"
    env = {**os.environ, "TOS_KB_TERMS": str(terms), "TOS_KB_NO_CACHE": "1", "SECRET_X": "s3cr3t"}
    done = run_mkdocs(REPO / "mkdocs.yml", dest, env)
    assert done.returncode != 0
    published = [p for p in dest.rglob("*") if p.is_file()] if dest.exists() else []
    assert not any(b"s3cr3t" in p.read_bytes() for p in published)
    return done.stdout + done.stderr


@case("text-links-to-dev-zero")
def _zero(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    return validate(link_text(tmp_path, "/dev/zero"))


@case("record-is-a-fifo")
def _fifo(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    record = terms / POLICY / "record.yaml"
    record.unlink()
    os.mkfifo(record)
    done = subprocess.run(
        [sys.executable, "-c", "from tos_kb.cli import main; main()", "validate", str(terms)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.stdout


@case("editor-lock-file")
def _lock(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    (terms / POLICY / ".#record.yaml").symlink_to("someone@host.1234:1700000000")
    (terms / POLICY / "record.yaml~").write_text("an old copy: [")
    assert answer(terms) == "permitted"
    return validate(terms)


@case("version-folder-is-a-link")
def _dirlink(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    outside = tmp_path / "outside"
    outside.mkdir()
    for item in (terms / POLICY).iterdir():
        (outside / item.name).write_bytes(item.read_bytes())
    (terms / "acme/policy/2024-01-01").symlink_to(outside)
    return validate(terms)


@case("oversized-text")
def _large(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    (terms / POLICY / "text.txt").write_bytes(b"x" * 5_000_000)
    return validate(terms)


@case("unreadable-folder")
def _unreadable(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    folder = terms / POLICY
    if os.getuid() != 0:
        folder.chmod(0)
    else:  # root reads every folder: refuse this one as the kernel would for another user
        real = os.scandir

        def scandir(path: object = ".") -> object:
            if str(path) == str(folder):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path)  # type: ignore[arg-type]

        mp.setattr(os, "scandir", scandir)
    try:
        return validate(terms)
    finally:
        folder.chmod(0o755)


# --- nesting and numbers ------------------------------------------------------------------


def append_to_record(tmp_path: Path, line: str) -> str:
    terms = write_kb(tmp_path / "kb")
    with open(terms / POLICY / "record.yaml", "a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    with pytest.raises(tos_kb.KnowledgeBaseError):
        tos_kb.load(terms)
    return validate(terms)


@case("deep-list")
def _deep_list(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    return append_to_record(tmp_path, "extra: " + "[" * 600 + "]" * 600)


@case("deep-mapping")
def _deep_map(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    return append_to_record(tmp_path, "extra: " + "{a: " * 1000 + "1" + "}" * 1000)


@case("huge-integer-in-record")
def _big_int(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    return append_to_record(tmp_path, "extra: " + "9" * 5000)


# --- names --------------------------------------------------------------------------------


def llama(student: str) -> tos_kb.Decision:
    return tos_kb.load().ask("llama-2", "train-on-outputs", "2024-01-01", student=student)


@case("student-case-and-separators")
def _case(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    assert llama("llama-2").verdict == "conditional"
    return " ".join(llama(s).verdict for s in ("Llama-2", "llama 2", "LLAMA_2", "llama2"))


@case("student-not-a-subject")
def _unknown(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    decision = llama("my-llm")
    assert decision.verdict == "prohibited"
    return decision.explain()


@case("released-model-names")
def _released(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    kb = tos_kb.load()
    return " ".join(kb.resolve_subject(n) for n in ("llama-3.3-70b", "llama-4-scout"))


@case("jurisdiction-as-written")
def _jurisdiction(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    kb = tos_kb.load()
    reasons = []
    for written, value in (("EU", "eea"), ("Germany", "eea"), ("US", "rest-of-world")):
        decision = kb.ask("openai", "train-on-outputs", "2024-01-01", jurisdiction=written)
        same = kb.ask("openai", "train-on-outputs", "2024-01-01", jurisdiction=value)
        assert decision.verdict == same.verdict and decision.reasons[1:] == same.reasons
        reasons.append(decision.reasons[0])
    return "\n".join(reasons)


# --- inputs -------------------------------------------------------------------------------


@case("huge-fact-integer")
def _huge_fact(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(tos_kb.FactValueError) as caught:
        tos_kb.load().ask("llama-2", "commercial-use", "2024-01-01", monthly_active_users=10**5000)
    assert isinstance(caught.value, tos_kb.TosKbError)
    return str(caught.value)


@case("subject-as-list")
def _list(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    kb = tos_kb.load()
    said = []
    for subject, action in ((["llama-2"], "commercial-use"), ("llama-2", {})):
        with pytest.raises(InputError) as caught:
            kb.ask(subject, action, "2024-01-01")  # type: ignore[arg-type]
        said.append(str(caught.value))
    return " / ".join(said)


@case("date-as-int")
def _int_date(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    kb = tos_kb.load()
    said = []
    for on in (20230801, "2023W312"):
        with pytest.raises(InputError) as caught:
            kb.ask("llama-2", "commercial-use", on)  # type: ignore[arg-type]
        said.append(str(caught.value))
    return " / ".join(said)


@case("impossible-date")
def _feb30(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(InputError) as caught:
        tos_kb.load().ask("llama-2", "commercial-use", "2023-02-30")
    return str(caught.value)


@case("cli-error-one-line")
def _cli(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    fact = "monthly_active_users=" + "9" * 5000
    code, output = run("ask", "llama-2", "commercial-use", "--on", "2024-01-01", "--fact", fact)
    assert code == 2 and len(output.strip().splitlines()) == 1
    return output


# --- git ----------------------------------------------------------------------------------


def repository(tmp_path: Path) -> Path:
    write_kb(tmp_path / "repo")
    repo = git.Repo.init(tmp_path / "repo")
    repo.git.add("terms")
    repo.index.commit("first", author=git.Actor("t", "t@example.invalid"))
    return tmp_path / "repo"


@case("rev-reflog-beyond")
def _reflog(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    root = repository(tmp_path)
    args = ("ask", "acme-api", "train-on-outputs", "--on", "2023-06-01")
    code, output = run(*args, "--terms", str(root / "terms"), "--rev", "HEAD@{1000}")
    assert code == 2 and len(output.strip().splitlines()) == 1
    return output


@case("rev-terms-is-a-file")
def _terms_file(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "terms").write_text("not a folder")
    repo = git.Repo.init(root)
    repo.git.add("terms")
    repo.index.commit("file", author=git.Actor("t", "t@example.invalid"))
    with pytest.raises(tos_kb.TosKbError) as caught:
        tos_kb.load(root, rev="HEAD")
    return str(caught.value)


@case("rev-leaves-no-checkout")
def _leftover(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    root = repository(tmp_path)
    kb = tos_kb.load(root, rev="HEAD")
    checkout = kb.root
    assert checkout.is_dir() and kb.archive.versions  # readable while the KB lives
    del kb
    gc.collect()
    assert not checkout.exists() and not checkout.parent.exists()
    return "no checkout left"


@case("new-with-newline")
def _newline(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    text = tmp_path / "t.txt"
    text.write_text("Some verbatim text\n")
    before = sorted(p.name for p in (terms / "acme").iterdir())
    code, output = run("new", "acme/x\n@2023-01-01", "--text", str(text), "--terms", str(terms))
    assert code == 2 and sorted(p.name for p in (terms / "acme").iterdir()) == before
    return output


@case("terminal-escapes")
def _escapes(tmp_path: Path, mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> str:
    terms = write_kb(tmp_path / "kb")
    record = terms / POLICY / "record.yaml"
    lines = record.read_text().splitlines()
    title = 'title: "Evil \\e[31mRED\\e]0;pwned\\a\\e[2J"'
    record.write_text("\n".join(title if x.startswith("title:") else x for x in lines) + "\n")
    outputs = [
        run("show", "acme/policy@2023-01-01", "--terms", str(terms))[1],
        run("versions", "--terms", str(terms))[1],
    ]
    for output in outputs:
        assert "\x1b" not in output and "\x07" not in output and "Evil \\x1b[31mRED" in output
    return "\n".join(outputs)


# --- the table ----------------------------------------------------------------------------


def test_every_case_in_the_table_has_a_test() -> None:
    """The table on the site and the cases run here are the same list."""
    assert [c["id"] for c in CASES] == list(RUNS)
    for row in CASES:
        assert set(row) == {"id", "area", "tried", "before", "outcome", "message"}, row["id"]


@pytest.mark.usefixtures("cache_dir")
@pytest.mark.parametrize("row", CASES, ids=[c["id"] for c in CASES])
def test_hostile_case(
    row: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The case gives the outcome the table states, with its exact message."""
    said = RUNS[row["id"]](tmp_path, monkeypatch, capsys)
    assert "Traceback" not in said
    for part in row["message"].split(" / "):
        assert part in said, (row["id"], said[:2000])
