"""Benchmark: load time, ask latency, and ask latency at 200,000 versions.

Prints figures; asserts nothing (speed is measured, not asserted in tests).
Run: .venv/bin/python benchmarks/bench_engine.py [--versions 200000]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import tos_kb
from tos_kb.kb import KnowledgeBase
from tos_kb.loader import Archive, VersionEntry
from tos_kb.models import Document, Governance, Subject
from tos_kb.yamlsafe import Located

REPO = Path(__file__).resolve().parent.parent


def wall(cmd: list[str], runs: int = 7) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_us(func, repeat: int = 2000) -> float:
    """Median time of one call, in microseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        func()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


def real_questions(kb: tos_kb.KnowledgeBase) -> list[tuple]:
    questions = []
    for subject in kb.subjects():
        for action in ("train-on-outputs", "distill-logits", "commercial-use"):
            for gov in subject.governed_by:
                questions.append(
                    (subject.id, action, gov.from_, {"competing": True, "monthly_active_users": 10})
                )
    return questions


def synthetic(n_versions: int) -> KnowledgeBase:
    """A knowledge base of n_versions versions, built in memory (no disk I/O)."""
    real = tos_kb.load()
    archive = Archive(
        root=REPO / "terms",
        actions=real.archive.actions,
        facts=real.archive.facts,
        kinds=real.archive.kinds,
        providers=real.archive.providers,
    )
    template = next(v for v in real.versions() if len(v.rules) >= 8)
    per_doc = 100
    located = Located({}, {})
    for d in range(max(1, n_versions // per_doc)):
        doc_id = f"synthetic/doc-{d}"
        archive.documents[doc_id] = Document(id=doc_id, title="synthetic", kind="terms-of-service")
        entries = []
        for v in range(per_doc):
            day = date(2000, 1, 1) + timedelta(days=30 * v)
            record = template.model_copy(
                update={
                    "document": doc_id,
                    "version": day.isoformat(),
                    "effective": day.isoformat(),
                }
            )
            entries.append(VersionEntry(record, REPO, located))
        archive.versions[doc_id] = entries
        sid = f"subject-{d}"
        archive.subjects[sid] = Subject(
            id=sid,
            name=sid,
            kind="service",
            provider="openai",
            governed_by=[
                Governance(document=doc_id, role="terms", from_=date(2000, 1, 1), basis="synthetic")
            ],
        )
    return KnowledgeBase(archive)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=200_000)
    args = parser.parse_args()
    py = sys.executable
    base = wall([py, "-c", "import yaml"])
    loaded = wall([py, "-c", "import tos_kb; tos_kb.load()"])
    print(f"interpreter + import yaml:          {base * 1000:8.1f} ms")
    print(
        f"interpreter + tos_kb.load():        {loaded * 1000:8.1f} ms "
        f"(load costs {(loaded - base) * 1000:.1f} ms over that baseline)"
    )

    kb = tos_kb.load()
    start = time.perf_counter()
    tos_kb.load()
    print(
        f"tos_kb.load() in-process:           {(time.perf_counter() - start) * 1000:8.1f} ms "
        f"({len(kb.versions())} versions)"
    )
    questions = real_questions(kb)
    medians = [median_us(lambda q=q: kb.ask(q[0], q[1], on=q[2], **q[3]), 300) for q in questions]
    print(
        f"ask() on the archive:               median {statistics.median(medians):6.1f} µs, "
        f"p90 {sorted(medians)[int(len(medians) * 0.9)]:6.1f} µs over {len(questions)} "
        "questions"
    )

    start = time.perf_counter()
    big = synthetic(args.versions)
    built = time.perf_counter() - start
    sample = [
        f"subject-{i}" for i in range(0, args.versions // 100, max(1, args.versions // 10000))
    ]
    ask_big = [
        median_us(lambda s=s: big.ask(s, "train-on-outputs", on="2005-06-01", competing=True), 200)
        for s in sample[:50]
    ]
    print(
        f"synthetic {args.versions:,} versions:       index built in {built:6.1f} s; "
        f"ask median {statistics.median(ask_big):6.1f} µs"
    )


if __name__ == "__main__":
    main()
