"""The one benchmark runner: every figure of the performance targets, beside its floor.

Prints each figure (median, spread, count) and writes ``benchmarks/RESULTS.md``
with the machine, the commands, the figures, and for each target the floor or
baseline measured in the same run. Asserts nothing: CI runs ``--smoke`` (tiny
sizes, one run each) only to keep this script working.

Run: .venv/bin/python benchmarks/run.py [--smoke] [--versions 200000] [--out FILE]

In-process figures (ask latency, memory) run in a fresh child process each
(``run.py --child ...``) so that one measurement's memory and caches do not
leak into the next.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PY = sys.executable
BIN = Path(PY).parent
CLI_ASK = ["ask", "openai", "train-on-outputs", "--on", "2023-06-01", "--fact", "competing=true"]
FACT_SETS: list[dict[str, Any]] = [
    {},
    {"competing": True},
    {"competing": False},
    {"competing": False, "commercial": True, "monthly_active_users": 10},
    {"student": "mistral-7b", "research": True},
    {"jurisdiction": "eea", "commercial": False},
    {"monthly_active_users": 800_000_000, "commercial": True, "distributes": True},
]


# --- measuring ----------------------------------------------------------------------------


@dataclass
class Figure:
    """One measured quantity: its samples (seconds, bytes or a count) and how it was taken."""

    name: str
    samples: list[float]
    unit: str  # s | us | MB | bytes
    command: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def spread(self) -> str:
        if len(self.samples) < 2:
            return "one run"
        low, high = min(self.samples), max(self.samples)
        return f"{_fmt(low, self.unit)}-{_fmt(high, self.unit)}"

    def show(self) -> str:
        return f"{_fmt(self.median, self.unit)} (range {self.spread()}, n={len(self.samples)})"


def _fmt(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "us":
        return f"{value:.1f} µs"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:,.0f} {unit}"


@dataclass
class Target:
    """A target: the figure, its floor from the same run, the limit and whether it holds."""

    what: str
    figure: str
    floor: str
    limit: str
    met: bool | None  # None: reported only
    note: str = ""


@dataclass
class Results:
    figures: list[Figure] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(f"  {figure.name:<58} {figure.show()}", flush=True)
        return figure

    def target(self, target: Target) -> None:
        self.targets.append(target)
        state = {True: "met", False: "NOT MET", None: "reported"}[target.met]
        print(f"  -> {target.what}: {target.figure} vs {target.limit} [{state}]", flush=True)


def wall(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> list[float]:
    """Wall times of a whole command, in seconds (its output is captured, as when piped)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return times


def child(kind: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one in-process measurement in a fresh interpreter; its JSON result."""
    done = subprocess.run(
        [PY, str(Path(__file__)), "--child", kind, *args],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def show_cmd(cmd: list[str], env: dict[str, str] | None = None) -> str:
    shown = " ".join(Path(c).name if c in (PY, str(BIN / "tos-kb")) else c for c in cmd)
    extra = {k: v for k, v in (env or {}).items() if os.environ.get(k) != v}
    prefix = " ".join(f"{k}={v}" for k, v in sorted(extra.items()))
    return f"{prefix} {shown}".strip()


# --- the children: in-process measurements -----------------------------------------------


def questions(index: Any, count: int, seed: int) -> list[tuple[str, str, date, dict[str, Any]]]:
    """``count`` mixed questions: random subject x action x day in 2022-2026 x a fact set."""
    rng = random.Random(seed)
    subjects = list(index.subject_ids)
    actions = sorted(index.parents)
    first, span = date(2022, 1, 1), (date(2026, 12, 31) - date(2022, 1, 1)).days
    known = [f for f in FACT_SETS if all(k in index.fact_specs for k in f)]
    return [
        (
            rng.choice(subjects),
            rng.choice(actions),
            first + timedelta(days=rng.randrange(span + 1)),
            rng.choice(known),
        )
        for _ in range(count)
    ]


def child_ask(terms: str | None, count: int, first_year: int) -> dict[str, Any]:
    """Latency of ``kb.ask`` over ``count`` mixed questions after a warm-up on other ones."""
    import tos_kb

    kb = tos_kb.load(terms) if terms else tos_kb.load()
    shift = (first_year - 2022) * 365
    held = questions(kb.index, count, seed=1)
    warm = questions(kb.index, max(1000, count // 10), seed=2)
    if shift:
        held = [(s, a, d + timedelta(days=shift), f) for s, a, d, f in held]
        warm = [(s, a, d + timedelta(days=shift), f) for s, a, d, f in warm]
    for s, a, d, f in warm:
        kb.ask(s, a, d, **f)
    samples = []
    clock = time.perf_counter_ns
    collections = sum(g["collections"] for g in gc.get_stats())
    for s, a, d, f in held:
        start = clock()
        kb.ask(s, a, d, **f)
        samples.append(clock() - start)
    collections = sum(g["collections"] for g in gc.get_stats()) - collections
    samples.sort()
    n = len(samples)
    return {
        "count": n,
        "median_us": samples[n // 2] / 1000,
        "p99_us": samples[min(n - 1, int(n * 0.99))] / 1000,
        "max_us": samples[-1] / 1000,
        "min_us": samples[0] / 1000,
        "gc_collections": collections,
        "rss_mb": peak_rss_mb(),
    }


def child_load(terms: str | None) -> dict[str, Any]:
    """Seconds and peak RSS of ``load()`` in a fresh process (imports included)."""
    start = time.perf_counter()
    import tos_kb

    kb = tos_kb.load(terms) if terms else tos_kb.load()
    return {"seconds": time.perf_counter() - start, "rss_mb": peak_rss_mb(), "id": id(kb)}


def child_changes(terms: str | None) -> dict[str, Any]:
    """``kb.changes()`` from a warm start: a cached ``load()`` in a fresh process, then changes."""
    import tos_kb

    kb = tos_kb.load(terms) if terms else tos_kb.load()
    start = time.perf_counter()
    found = kb.changes()
    return {"seconds": time.perf_counter() - start, "events": len(found)}


CHILDREN: dict[str, Callable[..., dict[str, Any]]] = {
    "ask": lambda terms, count, year: child_ask(terms or None, int(count), int(year)),
    "load": lambda terms: child_load(terms or None),
    "changes": lambda terms: child_changes(terms or None),
}


# --- the sections -------------------------------------------------------------------------


def floors(res: Results, runs: int) -> tuple[Figure, Figure]:
    print("floors", flush=True)
    start = res.add(Figure("interpreter start-up", wall([PY, "-c", "pass"], runs), "s"))
    start.command = "python -c pass"
    yaml = res.add(Figure("import yaml", wall([PY, "-c", "import yaml"], runs), "s"))
    yaml.command = 'python -c "import yaml"'
    return start, yaml


def cli(res: Results, runs: int, yaml: Figure, env: dict[str, str]) -> None:
    print("CLI", flush=True)
    cmd = [str(BIN / "tos-kb"), *CLI_ASK]
    wall(cmd, 1, env)  # fill the cache
    fig = res.add(Figure("tos-kb ask (piped, cached)", wall(cmd, runs, env), "s"))
    fig.command = show_cmd(cmd)
    gap = fig.median - yaml.median
    res.target(
        Target(
            "CLI ask within 0.1 s of import yaml",
            f"{fig.median:.3f} s ({gap:+.3f} s)",
            f"import yaml {yaml.median:.3f} s",
            "+0.100 s",
            gap <= 0.1,
        )
    )


def loading(res: Results, runs: int, start: Figure, env: dict[str, str]) -> None:
    print("load()", flush=True)
    cold_env = {**env, "TOS_KB_NO_CACHE": "1"}
    cold = [child("load", "", env=cold_env) for _ in range(runs)]
    fig = res.add(Figure("load() real archive, no cache", [r["seconds"] for r in cold], "s"))
    fig.samples = [s + start.median for s in fig.samples]  # whole process: add start-up
    fig.command = 'TOS_KB_NO_CACHE=1 python -c "import tos_kb; tos_kb.load()"'
    rss = res.add(Figure("peak RSS of load(), no cache", [r["rss_mb"] for r in cold], "MB"))
    child("load", "", env=env)
    warm = [child("load", "", env=env) for _ in range(runs)]
    wfig = res.add(
        Figure(
            "load() real archive, compiled cache",
            [r["seconds"] + start.median for r in warm],
            "s",
        )
    )
    wfig.command = 'python -c "import tos_kb; tos_kb.load()"'
    res.add(Figure("peak RSS of load(), compiled cache", [r["rss_mb"] for r in warm], "MB"))
    gap = fig.median - start.median
    res.target(
        Target(
            "cold load() within 0.3 s of interpreter start-up",
            f"{fig.median:.3f} s ({gap:+.3f} s)",
            f"start-up {start.median:.3f} s",
            "+0.300 s",
            gap <= 0.3,
        )
    )
    res.target(Target("peak RSS of load() (real archive)", rss.show(), "-", "reported", None))


def asking(res: Results, count: int, env: dict[str, str]) -> dict[str, Any]:
    print("ask()", flush=True)
    out = child("ask", "", str(count), "2022", env=env)
    res.add(Figure(f"ask median over {count:,} mixed questions", [out["median_us"]], "us"))
    res.add(Figure("ask p99", [out["p99_us"]], "us"))
    res.add(Figure("ask max", [out["max_us"]], "us"))
    res.add(Figure("peak RSS after load() + the questions", [out["rss_mb"]], "MB"))
    res.notes.append(
        f"ask: {out['gc_collections']} garbage collections during the {count:,} timed questions."
    )
    res.target(
        Target(
            "ask median / p99 / max",
            f"{out['median_us']:.1f} / {out['p99_us']:.1f} / {out['max_us']:.0f} µs",
            f"fastest question {out['min_us']:.1f} µs",
            "15 / 60 / 1000 µs",
            out["median_us"] <= 15 and out["p99_us"] <= 60 and out["max_us"] <= 1000,
        )
    )
    return out


def validation(res: Results, runs: int, env: dict[str, str]) -> None:
    print("validate", flush=True)
    cmd = [str(BIN / "tos-kb"), "validate"]
    fig = res.add(Figure("tos-kb validate (real archive)", wall(cmd, runs, env), "s"))
    fig.command = show_cmd(cmd)
    one = REPO / "terms" / "openai" / "terms-of-use" / "2023-03-14" / "record.yaml"
    cmd1 = [str(BIN / "tos-kb"), "validate", str(one.relative_to(REPO))]
    start = time.perf_counter()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd1, check=True, capture_output=True, env=env, cwd=REPO)
        times.append(time.perf_counter() - start)
    one_fig = res.add(Figure("tos-kb validate FILE (one version, as pre-commit)", times, "s"))
    one_fig.command = show_cmd(cmd1)
    res.target(Target("validate real archive", fig.show(), "-", "1 s", fig.median <= 1))
    res.target(
        Target(
            "one changed version re-validated (real archive)",
            one_fig.show(),
            "-",
            "1 s",
            one_fig.median <= 1,
        )
    )


def changes(res: Results, runs: int, env: dict[str, str]) -> None:
    print("changes()", flush=True)
    child("changes", "", env=env)  # fill any cache
    outs = [child("changes", "", env=env) for _ in range(runs)]
    fig = res.add(Figure("kb.changes() after a cached load()", [o["seconds"] for o in outs], "s"))
    fig.command = "kb = tos_kb.load(); kb.changes()  (timed: the second call only)"
    res.target(
        Target("kb.changes() from a warm start", fig.show(), "-", "0.2 s", fig.median <= 0.2)
    )


def site(res: Results, smoke: bool) -> None:
    print("site", flush=True)
    with tempfile.TemporaryDirectory(prefix="tos-kb-bench-") as tmp:
        if smoke:
            res.notes.append("site build skipped in the smoke run")
            return
        cmd = [str(BIN / "mkdocs"), "build", "--strict", "-q", "-d", str(Path(tmp) / "public")]
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        fig = res.add(Figure("mkdocs build --strict", wall(cmd, 1, env), "s"))
        fig.command = "mkdocs build --strict"
        res.target(Target("site build", fig.show(), "-", "30 s", fig.median <= 30))
        public = Path(tmp) / "public"
        parts = [
            ("Ask page HTML", public / "ask" / "index.html"),
            ("engine.js", public / "assets" / "engine.js"),
            ("tos-kb.js", public / "assets" / "tos-kb.js"),
            ("export/tos-kb.json (the data the Ask page reads)", public / "export" / "tos-kb.json"),
        ]
        parts = [(label, path) for label, path in parts if path.exists()]
        for label, path in parts:
            res.add(Figure(f"bytes: {label}", [path.stat().st_size], "bytes"))
        total = sum(p.stat().st_size for _, p in parts)
        res.target(
            Target(
                "Ask page bytes (HTML + own scripts + export, uncompressed)",
                f"{total:,} bytes",
                "-",
                "reported (the site issue sets the layout)",
                None,
            )
        )
        ask_page_on_slow_link(res, public)


def ask_page_on_slow_link(res: Results, public: Path) -> None:
    """The Ask page's first answer and bytes on a throttled link (bench_ask_page.py)."""
    sys.path.insert(0, str(HERE))
    import bench_ask_page as page

    problem = page.missing()
    if problem:
        res.notes.append(f"Ask page on a slow link not measured: {problem}")
        return
    link = page.LINK
    where = (
        f"{link['down_bps'] / 1e6:g} Mbps down, {link['latency_ms']} ms latency, "
        "cache disabled, headless Chromium"
    )
    visits = page.measure(public, runs=3)
    first = res.add(
        Figure(
            "Ask page: time to the first answer", [v["first_answer_ms"] / 1000 for v in visits], "s"
        )
    )
    first.command = f"benchmarks/bench_ask_page.py: `{page.QUESTION}` on {where}"
    before = res.add(
        Figure(
            "Ask page: bytes transferred before the first answer",
            [v["bytes_to_answer"] for v in visits],
            "bytes",
        )
    )
    total = res.add(
        Figure(
            "Ask page: bytes transferred in all (page gone quiet)",
            [v["bytes_total"] for v in visits],
            "bytes",
        )
    )
    size, url = visits[0]["largest_after_answer"]
    if size:
        res.notes.append(
            f"Ask page: the largest transfer after the first answer is {url.rsplit('/', 1)[-1]} "
            f"({size:,} bytes, fetched by the search box); it does not delay the answer."
        )
    res.target(
        Target(
            f"Ask page on {where}",
            (
                f"first answer {_fmt(first.median, 's')}; {_fmt(before.median, 'bytes')} "
                f"before it, {_fmt(total.median, 'bytes')} in all (median of {len(visits)})"
            ),
            "-",
            "reported",
            None,
        )
    )


def scale(res: Results, versions: int, runs: int, ask_count: int, real: dict[str, Any]) -> None:
    sys.path.insert(0, str(HERE))
    import synthetic

    print(f"scale: {versions:,} versions", flush=True)
    first_target = len(res.targets)
    with tempfile.TemporaryDirectory(prefix="tos-kb-scale-") as tmp:
        root = Path(tmp) / "terms"
        start = time.perf_counter()
        synthetic.write(root, versions)
        res.notes.append(
            f"synthetic archive of {versions:,} versions over {versions // 20:,} documents "
            f"written in {time.perf_counter() - start:.1f} s (benchmarks/synthetic.py)"
        )
        env = {**os.environ, "TOS_KB_CACHE": str(Path(tmp) / "cache")}
        first = child("load", str(root), env=env)
        res.add(
            Figure(
                f"load() {versions:,} versions, first (compiles, writes cache)",
                [first["seconds"]],
                "s",
            )
        )
        res.add(Figure(f"peak RSS of the first load() ({versions:,})", [first["rss_mb"]], "MB"))
        warm = [child("load", str(root), env=env) for _ in range(runs)]
        fig = res.add(
            Figure(f"load() {versions:,} versions, compiled", [w["seconds"] for w in warm], "s")
        )
        fig.command = f'python -c "import tos_kb; tos_kb.load(PATH)"  ({versions:,} versions)'
        rss = res.add(
            Figure(f"peak RSS of load() ({versions:,})", [w["rss_mb"] for w in warm], "MB")
        )
        res.target(
            Target(f"load() at {versions:,} versions", fig.show(), "-", "2 s", fig.median <= 2)
        )
        res.target(Target(f"peak RSS of load() at {versions:,}", rss.show(), "-", "reported", None))
        out = child("ask", str(root), str(ask_count), "2003", env=env)
        res.add(Figure(f"ask median ({versions:,})", [out["median_us"]], "us"))
        res.add(Figure(f"ask p99 ({versions:,})", [out["p99_us"]], "us"))
        res.add(Figure(f"ask max ({versions:,})", [out["max_us"]], "us"))
        res.add(Figure(f"peak RSS after load() + questions ({versions:,})", [out["rss_mb"]], "MB"))
        ratio = out["median_us"] / real["median_us"]
        res.target(
            Target(
                f"ask at {versions:,} versions within 2x of the real archive",
                f"median {out['median_us']:.1f} µs, p99 {out['p99_us']:.1f} µs ({ratio:.2f}x)",
                f"real archive median {real['median_us']:.1f} µs",
                "2x",
                ratio <= 2,
            )
        )
        cmd = [str(BIN / "tos-kb"), "validate", str(root)]
        vfig = res.add(Figure(f"tos-kb validate ({versions:,} versions)", wall(cmd, 1, env), "s"))
        vfig.command = f"tos-kb validate PATH  ({versions:,} versions)"
        res.target(
            Target(f"validate {versions:,} versions", vfig.show(), "-", "120 s", vfig.median <= 120)
        )
        one = next((root / synthetic.PROVIDER / "doc-0").glob("*/record.yaml"))
        cmd1 = [str(BIN / "tos-kb"), "validate", str(one)]
        ofig = res.add(
            Figure(f"tos-kb validate FILE ({versions:,} versions)", wall(cmd1, 1, env), "s")
        )
        res.target(
            Target(
                f"one changed version re-validated ({versions:,} versions)",
                ofig.show(),
                "-",
                "1 s",
                ofig.median <= 1,
            )
        )
        shutil.rmtree(root, ignore_errors=True)
    if versions != 200_000:  # the limits are set at 200,000 versions: other sizes are reported
        for t in res.targets[first_target:]:
            if t.met is not None:
                t.limit, t.met = f"{t.limit} at 200,000 (reported only)", None


# --- the report ---------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return [
        f"- {platform.system()} {platform.release()}, {os.cpu_count()} cores {cpu}".rstrip(),
        f"- Python {platform.python_version()} ({platform.python_implementation()})",
        f"- load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}",
    ]


ANALYSIS = "## Analysis"


def write_report(path: Path, res: Results, argv: list[str]) -> None:
    lines = [
        "# Benchmark results",
        "",
        "Written by `python benchmarks/run.py` (do not edit by hand). Every target is",
        "shown beside its floor or baseline measured in the same run.",
        "",
        "## Machine",
        "",
        *machine(),
        "",
        f"Command: `python benchmarks/run.py {' '.join(argv)}`".replace("  ", " "),
        "",
        "## Targets",
        "",
        "| target | measured | floor / baseline (same run) | limit | state |",
        "|---|---|---|---|---|",
    ]
    for t in res.targets:
        state = {True: "met", False: "**not met**", None: "reported"}[t.met]
        lines.append(f"| {t.what} | {t.figure} | {t.floor} | {t.limit} | {state} |")
    lines += [
        "",
        "## Figures",
        "",
        "Median, range (min-max) and number of runs; whole-process times include",
        "interpreter start-up.",
        "",
        "| figure | median (range, n) | command |",
        "|---|---|---|",
    ]
    for f in res.figures:
        lines.append(f"| {f.name} | {f.show()} | {f'`{f.command}`' if f.command else ''} |")
    if res.notes:
        lines += ["", "## Notes", "", *[f"- {n}" for n in res.notes]]
    kept = ""  # the hand-written analysis below the figures survives a new run
    if path.exists():
        previous = path.read_text(encoding="utf-8")
        if ANALYSIS in previous:
            kept = "\n" + previous[previous.index(ANALYSIS) :]
    path.write_text("\n".join(lines) + "\n" + kept, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one run each (CI)")
    parser.add_argument("--versions", type=int, default=200_000)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--skip", action="append", default=[], help="section to skip")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child[0]](*args.child[1:])))
        return
    if args.smoke:
        args.versions, args.questions, args.runs = 200, 300, 1
    res = Results()
    # Byte-compile the package first, as pip does when it installs a wheel: an editable
    # install under PYTHONDONTWRITEBYTECODE=1 would otherwise compile every module from
    # source in every measured process, a cost no installed user pays.
    subprocess.run([PY, "-m", "compileall", "-q", str(REPO / "tos_kb")], check=True)
    res.notes.append("tos_kb byte-compiled before measuring (python -m compileall), as pip does")
    with tempfile.TemporaryDirectory(prefix="tos-kb-cache-") as cache:
        env = {**os.environ, "TOS_KB_CACHE": cache}
        env.pop("TOS_KB_NO_CACHE", None)
        start, yaml = floors(res, args.runs)
        if "cli" not in args.skip:
            cli(res, args.runs, yaml, env)
        if "load" not in args.skip:
            loading(res, max(3, args.runs // 2) if not args.smoke else 1, start, env)
        real = asking(res, args.questions, env)
        if "validate" not in args.skip:
            validation(res, max(3, args.runs // 2) if not args.smoke else 1, env)
        if "changes" not in args.skip:
            changes(res, 3 if not args.smoke else 1, env)
        if "site" not in args.skip:
            site(res, args.smoke)
        if "scale" not in args.skip:
            scale(res, args.versions, 3 if not args.smoke else 1, args.questions, real)
    argv = sys.argv[1:]
    write_report(args.out, res, argv)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
