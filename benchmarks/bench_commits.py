"""How fast `history --commits` walks a repository: N commits that each edit one record.

Prints the time per commit of the incremental walk beside a baseline from the
same run: `load(rev=commit)` then `ask` for each commit (a fresh full checkout
each time), timed on the first commits only and given per commit.

    .venv/bin/python benchmarks/bench_commits.py [N]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

import git

import tos_kb
from tos_kb.lineage.commits import answer_across_commits

REPO = Path(__file__).resolve().parent.parent
QUESTION = ("openai-api", "train-on-outputs", "2023-06-01", {"competing": True})
BASELINE_COMMITS = 20


def build(root: Path, count: int) -> list[str]:
    """A repository with the shipped terms/ and ``count`` commits each editing one note."""
    shutil.copytree(REPO / "terms", root / "terms")
    repo = git.Repo.init(root)
    actor = git.Actor("bench", "bench@example.invalid")
    repo.git.add("-A")
    shas = [repo.index.commit("import", author=actor, committer=actor).hexsha]
    record = next((root / "terms/openai/terms-of-use").glob("2023-03-14/record.yaml"))
    original = record.read_text(encoding="utf-8")
    for i in range(1, count):
        record.write_text(original + f"# benchmark edit {i}\n", encoding="utf-8")
        repo.git.add("-A")
        shas.append(repo.index.commit(f"edit {i}", author=actor, committer=actor).hexsha)
    return shas


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    root = Path(tempfile.mkdtemp(prefix="tos-kb-bench-commits-"))
    try:
        start = time.perf_counter()
        shas = build(root, count)
        print(f"built {count} commits in {time.perf_counter() - start:.1f} s")
        subject, action, on, facts = QUESTION
        start = time.perf_counter()
        rows = answer_across_commits(subject, action, on, facts, repo=root)
        walk = time.perf_counter() - start
        start = time.perf_counter()
        for sha in shas[:BASELINE_COMMITS]:
            tos_kb.load(root, rev=sha).ask(subject, action, on, **facts)
        naive = (time.perf_counter() - start) / min(BASELINE_COMMITS, count)
        print(
            f"history --commits: {walk:.1f} s for {count} commits, "
            f"{walk / count * 1000:.0f} ms each"
        )
        print(f"baseline load(rev=) + ask per commit: {naive * 1000:.0f} ms each")
        print(f"answers listed: {len(rows)}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
