"""Benchmark: start-up, ask latency on the archive, and ask latency as the archive grows.

Prints figures; asserts nothing (speed is measured, not asserted in tests).
Run: .venv/bin/python benchmarks/bench_engine.py [--versions 200000]
"""

from __future__ import annotations

import argparse
import gc
import os
import pickle
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import tos_kb
from tos_kb.answer.index import Index
from tos_kb.kb import KnowledgeBase
from tos_kb.records.loader import Archive, VersionEntry
from tos_kb.records.models import Document, Governance, Subject
from tos_kb.records.yamlsafe import Located

REPO = Path(__file__).resolve().parent.parent
LOAD = "import tos_kb; tos_kb.load()"
TYPICAL_FACTS = {
    "competing": False,
    "monthly_active_users": 10,
    "student": "mistral-7b",
    "commercial": True,
    "research": False,
    "authorised": False,
    "jurisdiction": "rest-of-world",
}


def wall(cmd: list[str], runs: int = 7, env: dict[str, str] | None = None) -> float:
    """Median wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_us(func, repeat: int = 300) -> float:
    """Median time of one call, in microseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter_ns()
        func()
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


def real_questions(kb: KnowledgeBase) -> list[tuple[str, str, date, dict]]:
    """Every subject x three actions x each governing range's first day, typical facts."""
    return [
        (subject.id, action, gov.from_, TYPICAL_FACTS)
        for subject in kb.subjects()
        for action in ("train-on-outputs", "distill-logits", "commercial-use")
        for gov in subject.governed_by
    ]


def synthetic(n_versions: int) -> KnowledgeBase:
    """A knowledge base of ``n_versions`` versions (100 per document), built in memory."""
    real = tos_kb.load()
    archive = Archive(
        root=REPO / "terms",
        actions=real.archive.actions,
        facts=real.archive.facts,
        kinds=real.archive.kinds,
        providers=real.archive.providers,
    )
    template = next(
        v
        for v in real.versions()
        if f"{v.document}@{v.version}" == "openai/terms-of-use@2023-03-14"
    )
    located = Located({}, {})
    per_doc = 100
    for d in range(max(1, n_versions // per_doc)):
        doc_id = f"synthetic/doc-{d}"
        archive.documents[doc_id] = Document(id=doc_id, title="synthetic", kind="terms-of-service")
        entries = []
        for v in range(per_doc):
            day = (date(2000, 1, 1) + timedelta(days=30 * v)).isoformat()
            record = template.model_copy(
                update={"document": doc_id, "version": day, "effective": day}
            )
            entries.append(VersionEntry(record, REPO, located))
        archive.versions[doc_id] = entries
        sid = f"subject-{d}"
        gov = Governance(document=doc_id, role="terms", from_=date(2000, 1, 1), basis="synthetic")
        archive.subjects[sid] = Subject(
            id=sid, name=sid, kind="service", provider="openai", governed_by=[gov]
        )
    return KnowledgeBase(archive.root, Index(archive), archive)


def bench_scaling(n: int) -> None:
    start = time.perf_counter()
    big = synthetic(n)
    built = time.perf_counter() - start
    subjects = [f"subject-{i}" for i in range(0, max(1, n // 100), max(1, n // 5000))][:50]
    timings = [
        median_us(
            lambda s=s, kb=big: kb.ask(s, "train-on-outputs", on="2005-06-01", competing=True)
        )
        for s in subjects
    ]
    blob = pickle.dumps(big, protocol=pickle.HIGHEST_PROTOCOL)
    gc.disable()  # as tos_kb.store.cache.read does
    start = time.perf_counter()
    pickle.loads(blob)
    cached = time.perf_counter() - start
    gc.enable()
    print(
        f"synthetic archive of {n:>7,} versions: index built in {built:6.1f} s "
        f"(once; cached copy {len(blob) / 1e6:.0f} MB, read back in {cached:.2f} s); "
        f"ask median {statistics.median(timings):6.1f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--versions", type=int, default=200_000)
    args = parser.parse_args()
    py = sys.executable
    base = wall([py, "-c", "import yaml"])
    cold = wall([py, "-c", LOAD], runs=3, env={**os.environ, "TOS_KB_NO_CACHE": "1"})
    subprocess.run([py, "-c", LOAD], check=True)  # fill the cache
    warm = wall([py, "-c", LOAD])
    print(f"interpreter + import yaml:             {base * 1000:7.1f} ms")
    print(
        f"interpreter + tos_kb.load(), cached:   {warm * 1000:7.1f} ms "
        f"({(warm - base) * 1000:+.1f} ms over that baseline)"
    )
    print(
        f"interpreter + tos_kb.load(), no cache: {cold * 1000:7.1f} ms "
        "(parses and checks every record)"
    )

    kb = tos_kb.load()
    definite: list[float] = []
    conditional: list[float] = []
    for q in real_questions(kb):
        verdict = kb.ask(q[0], q[1], on=q[2], **q[3]).verdict
        timing = median_us(lambda q=q: kb.ask(q[0], q[1], on=q[2], **q[3]))
        (conditional if verdict == "conditional" else definite).append(timing)
    every = definite + conditional
    print(f"ask() over {len(every)} questions:       median {statistics.median(every):6.1f} µs")
    print(
        f"  definite answers ({len(definite)}):       median {statistics.median(definite):6.1f} µs"
    )
    if conditional:
        print(
            f"  conditional answers ({len(conditional)}):     median "
            f"{statistics.median(conditional):6.1f} µs (each branch of the missing facts "
            "is evaluated)"
        )
    for n in sorted({2_000, 20_000, args.versions}):
        bench_scaling(n)


if __name__ == "__main__":
    main()
