"""Benchmark: the docs site's full ``mkdocs build --strict`` time, and where it goes.

Prints figures; asserts nothing (speed is measured, not asserted in tests).
Run: .venv/bin/python benchmarks/bench_site.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import tos_kb
from tos_kb.sitegen import build as site_build
from tos_kb.sitegen.build import run_mkdocs
from tos_kb.sitegen.context import Site

REPO = Path(__file__).resolve().parent.parent


def full_build(dest: Path) -> float:
    """Wall time of one ``mkdocs build --strict`` into ``dest``, in seconds."""
    start = time.perf_counter()
    run_mkdocs(REPO / "mkdocs.yml", dest).check_returncode()
    return time.perf_counter() - start


def generation_breakdown() -> list[tuple[str, int, float]]:
    """(page family, pages, seconds) of generating the page sources, without mkdocs."""
    kb = tos_kb.load()
    site = Site(kb)
    rows = []
    start = time.perf_counter()
    site.changes  # noqa: B018 - computed once, shared by several families
    rows.append(("change log (kb.changes)", 0, time.perf_counter() - start))
    families = [
        ("providers", site_build.providers.pages),
        ("subjects (verdict matrices)", site_build.subjects.pages),
        ("documents", site_build.documents.pages),
        ("versions", site_build.versions.pages),
        ("changes (text and rule diffs)", site_build.diffs.pages),
    ]
    for name, pages in families:
        start = time.perf_counter()
        count = len(list(pages(site)))
        rows.append((name, count, time.perf_counter() - start))
    start = time.perf_counter()
    files = list(site_build.static_files(site, "https://example.org/"))
    rows.append(("texts, export, feed", len(files), time.perf_counter() - start))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=1, help="full builds to time (median)")
    args = parser.parse_args()
    kb = tos_kb.load()
    print(
        f"archive: {len(kb.documents)} documents, {len(kb.versions())} versions, "
        f"{len(kb.subjects())} subjects"
    )
    print("generation (in process, no mkdocs):")
    total = 0.0
    for name, count, seconds in generation_breakdown():
        total += seconds
        pages = f"{count:4d} " if count else "     "
        print(f"  {name:<32} {pages} {seconds:6.2f} s")
    print(f"  {'total':<32}      {total:6.2f} s")
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="tos-kb-bench-") as tmp:
            times.append(full_build(Path(tmp) / "public"))
            pages = sum(1 for _ in (Path(tmp) / "public").rglob("index.html"))
    print(
        f"full mkdocs build --strict: {statistics.median(times):.2f} s "
        f"(median of {len(times)}; {pages} pages)"
    )


if __name__ == "__main__":
    main()
