"""Timing figures for tos_kb.diff.text on real texts (prints figures, asserts nothing).

Why: the point of the module is that a clause-aware diff of real terms is fast
without any timeout. Run from the repository root:

    .venv/bin/python benchmarks/bench_textdiff.py [--corpus ../shared/corpus] [--repeat 3]

Three measurements: the OpenAI Terms of Use pair (2023-03-14 -> 2024-01-31,
about 24 KB each); two ~100 KB texts built by concatenating corpus texts and
mutating a few paragraphs deterministically; and every consecutive pair of
versions in each document folder of the corpus (files sorted by name).
"""

from __future__ import annotations

import argparse
import itertools
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tos_kb.diff.text import TextDiff, apply_patch, diff_texts  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


def timed(fn: Callable[[], TextDiff], repeat: int) -> tuple[float, TextDiff]:
    """Median wall time of ``repeat`` runs, and the last result."""
    times: list[float] = []
    result: TextDiff | None = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    assert result is not None
    return statistics.median(times), result


def describe(d: TextDiff) -> str:
    """Short stats line for a diff."""
    s = d.stats
    return (
        f"{s.hunks} hunks ({s.changed} changed, {s.added} added, {s.removed} removed, "
        f"{s.moved} moved), +{s.chars_inserted}/-{s.chars_deleted} chars, "
        f"unrefined={s.unrefined}"
    )


def mutate(text: str, seed: int, n: int = 6) -> str:
    """Deterministically edit a few paragraphs: reword, delete, insert, move."""
    rng = random.Random(seed)
    paras = text.split("\n\n")
    for k in range(n):
        i = rng.randrange(len(paras))
        words = paras[i].split(" ")
        op = k % 4
        if op == 0 and len(words) > 4:  # reword a few words
            for _ in range(3):
                w = rng.randrange(len(words))
                words[w] = words[w].upper() if rng.random() < 0.5 else "amended"
            paras[i] = " ".join(words)
        elif op == 1:  # delete a paragraph
            del paras[i]
        elif op == 2:  # insert a new paragraph
            paras.insert(i, f"({k}) New clause number {k}: the licensee shall comply.")
        else:  # move a paragraph elsewhere
            p = paras.pop(i)
            paras.insert(rng.randrange(len(paras) + 1), p)
    return "\n\n".join(paras)


def main() -> None:
    """Run the three benchmarks and print the figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    corpus: Path = args.corpus
    if not corpus.is_dir():
        print(f"corpus not found at {corpus}")
        return

    # 1. The OpenAI Terms of Use pair.
    tou = corpus / "openai" / "terms-of-use"
    a = (tou / "2023-03-14.txt").read_text(encoding="utf-8")
    b = (tou / "2024-01-31.txt").read_text(encoding="utf-8")
    t, d = timed(lambda: diff_texts(a, b), args.repeat)
    assert apply_patch(a, d) == b
    print(f"OpenAI ToU 2023-03-14 -> 2024-01-31 ({len(a)} -> {len(b)} chars): {t * 1000:.1f} ms")
    print(f"  {describe(d)}")

    # 2. Two ~100 KB texts.
    files = sorted(p for p in corpus.rglob("*.txt") if p.stat().st_size > 5000)
    big = ""
    for p in files:
        big += p.read_text(encoding="utf-8") + "\n\n"
        if len(big) >= 100_000:
            break
    big = big[: big.rfind("\n\n", 0, 100_000) + 2]
    big2 = mutate(big, seed=7)
    t, d = timed(lambda: diff_texts(big, big2), args.repeat)
    assert apply_patch(big, d) == big2
    print(f"~100 KB, a few paragraphs mutated ({len(big)} -> {len(big2)} chars): {t * 1000:.1f} ms")
    print(f"  {describe(d)}")
    rev = "\n\n".join(reversed(big.split("\n\n")))
    t, d = timed(lambda: diff_texts(big, rev), 1)
    assert apply_patch(big, d) == rev
    print(f"~100 KB vs its paragraphs in reverse order: {t * 1000:.1f} ms")
    print(f"  {describe(d)}")

    # 3. Every consecutive pair of versions in each document folder.
    rows: list[tuple[float, str, int, TextDiff]] = []
    for folder in sorted(p for p in corpus.rglob("*") if p.is_dir()):
        versions = sorted(folder.glob("*.txt"))
        for x, y in itertools.pairwise(versions):
            ta = x.read_text(encoding="utf-8")
            tb = y.read_text(encoding="utf-8")
            t, d = timed(lambda ta=ta, tb=tb: diff_texts(ta, tb), args.repeat)
            assert apply_patch(ta, d) == tb
            name = f"{folder.relative_to(corpus)}: {x.name} -> {y.name}"
            rows.append((t, name, len(ta) + len(tb), d))
    times = [r[0] for r in rows]
    print(f"consecutive corpus pairs: {len(rows)}")
    if rows:
        print(
            f"  median {statistics.median(times) * 1000:.1f} ms, "
            f"max {max(times) * 1000:.1f} ms, total {sum(times):.2f} s"
        )
        print("  slowest:")
        for t, name, size, d in sorted(rows, key=lambda r: (-r[0], r[1]))[:5]:
            print(f"    {t * 1000:7.1f} ms  {size:6d} chars  {name}  [{describe(d)}]")


def bench_archive() -> None:
    """kb.diff (text, rules over the fact space, quotes) for every consecutive archived pair."""
    import statistics

    import tos_kb

    kb = tos_kb.load()
    assert kb.archive.documents  # parse the records once, outside the timings
    pairs = [
        (older.key, newer.key)
        for document in kb.documents
        for older, newer in itertools.pairwise(kb.timeline(document).placed)
    ]
    times = []
    for old, new in pairs:
        start = time.perf_counter()
        kb.diff(old, new)
        times.append(time.perf_counter() - start)
    print(
        f"kb.diff over the archive's {len(pairs)} consecutive pairs (text + rules + quotes): "
        f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms, "
        f"total {sum(times):.1f} s"
    )
    start = time.perf_counter()
    events = tos_kb.load().changes()
    print(f"kb.changes(): {len(events)} events in {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
    bench_archive()
