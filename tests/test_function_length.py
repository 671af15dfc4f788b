"""Builders stay readable: no function over 80 lines in the site, the CLI or the validator.

Why: page builders, commands and checks grow one section at a time until a
single function does a page's whole job; split, each step has a name that
says what it adds. The limit is loose on purpose (most are under 60 lines).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tos_kb"
WATCHED = [PACKAGE / "sitegen", PACKAGE / "cli", PACKAGE / "records" / "validate.py"]
LIMIT = 80


def long_functions(paths: list[Path], limit: int) -> list[str]:
    """``file:line name (n lines)`` for every function longer than ``limit`` lines."""
    found = []
    for watched in paths:
        for path in [watched] if watched.is_file() else sorted(watched.rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > limit:
                        root = PACKAGE.parent
                        where = path.relative_to(root) if path.is_relative_to(root) else path
                        found.append(f"{where}:{node.lineno} {node.name} ({length} lines)")
    return found


def test_no_long_builders() -> None:
    """Every function in tos_kb/sitegen, tos_kb/cli and records/validate.py is short."""
    assert not long_functions(WATCHED, LIMIT)


def test_the_measure_sees_a_long_function(tmp_path: Path) -> None:
    """The check counts lines as written: a long function is reported, a short one not."""
    body = "\n".join(f"    x{i} = {i}" for i in range(LIMIT))
    (tmp_path / "m.py").write_text(f"def long():\n{body}\n\ndef short():\n    pass\n")
    assert [f.split()[1] for f in long_functions([tmp_path / "m.py"], LIMIT)] == ["long"]
