"""Benchmark: the compiled cache's warm start and what content hashing costs.

Prints figures beside baselines measured in the same run; asserts nothing.
Run: .venv/bin/python benchmarks/bench_cache.py [--base /path/to/an/older/checkout]

- warm ``load()``: a fresh process loading the shipped archive from a warm cache
  (with ``--base``: another checkout's code on its own terms/, as a baseline);
- the key: hashing every file's content from scratch, with the memo of file
  hashes, and the old key (path, size and mtime only) as a baseline;
- the entry: reading it with the checks and the restricted unpickler, beside a
  plain ``pickle.loads`` of the same bytes.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import pickle
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TERMS = REPO / "terms"


def median_ms(func, repeat: int = 15) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def warm_start(code_root: Path, cache: str, runs: int = 21) -> float:
    """Median wall time of a process that loads the archive from a warm cache, in ms."""
    env = {**os.environ, "TOS_KB_CACHE": cache}
    env.pop("TOS_KB_NO_CACHE", None)
    script = (  # this checkout's code, not the editable install's
        f"import sys; sys.path.insert(0, {str(code_root)!r}); "
        "sys.meta_path[:] = [f for f in sys.meta_path if 'editable' not in f.__module__]; "
        f"import tos_kb; assert tos_kb.__file__.startswith({str(code_root)!r}); "
        f"tos_kb.load({str(code_root / 'terms')!r})"
    )
    subprocess.run([sys.executable, "-c", script], check=True, env=env)  # warm it
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", script], check=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def stat_key(root: Path) -> str:
    """The old key: every file's path, size and mtime (the baseline)."""
    digest = hashlib.sha256()
    for base in (root, REPO / "tos_kb"):
        for path in sorted(base.rglob("*")):
            if "__pycache__" not in path.parts and path.is_file():
                info = path.stat()
                digest.update(f"{path}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", type=Path, help="a checkout whose code is the baseline")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TOS_KB_CACHE"] = tmp + "/this"
        os.environ.pop("TOS_KB_NO_CACHE", None)
        from tos_kb.store import cache

        here = warm_start(REPO, tmp + "/this")
        line = f"warm start, load() in a new process: {here:7.1f} ms"
        if args.base:
            base = warm_start(args.base, tmp + "/base")
            line += f"   (baseline {args.base}: {base:.1f} ms)"
        print(line)
        size = sum(p.stat().st_size for p in TERMS.rglob("*") if p.is_file())
        print(f"archive: {size / 1e6:.1f} MB in terms/")
        os.environ["TOS_KB_NO_CACHE"] = "1"  # no memo: every file is read and hashed
        cold = median_ms(lambda: cache.fingerprint(TERMS))
        del os.environ["TOS_KB_NO_CACHE"]
        warm = median_ms(lambda: cache.fingerprint(TERMS))
        old = median_ms(lambda: stat_key(TERMS))
        print(f"key, hashing every file's content: {cold:7.1f} ms")
        print(f"key, with the memo of file hashes: {warm:7.1f} ms")
        print(f"key, old (path, size, mtime) baseline: {old:7.1f} ms")
        key = cache.fingerprint(TERMS)
        data = (Path(tmp, "this") / f"{key}.pickle").read_bytes()
        payload = data[len(cache.MAGIC) + 32 :]

        def plain() -> None:
            gc.disable()
            try:
                pickle.loads(payload)
            finally:
                gc.enable()

        checked = median_ms(lambda: cache.read(key))
        print(f"entry read, checked + restricted unpickler: {checked:7.1f} ms")
        print(f"entry read, plain pickle.loads baseline:    {median_ms(plain):7.1f} ms")
        print(f"entry size: {len(data) / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
