"""Safe YAML reading for records that lawyers edit by hand.

Why not ``yaml.safe_load``: it silently keeps the last of two duplicate keys,
turns ``on``/``no`` into booleans and bare dates into ``date`` objects (YAML 1.1
implicit typing), and forgets where each value stood. Here duplicate keys are
errors, only ``true``/``false`` are booleans, dates stay strings (validated
later, explicitly), and every value's line and column is kept for error
messages.

Limits that data can reach: nesting deeper than :data:`MAX_DEPTH` levels
and integers longer than :data:`MAX_DIGITS` digits are errors at their line
(records are a few levels deep and hold small numbers), so no record can
exhaust the interpreter's recursion or its integer conversion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tos_kb.records.files import read_text

try:  # libyaml's composer is several times faster; fall back to pure Python.
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

Path_ = tuple[str | int, ...]
MAX_DEPTH = 64
MAX_DIGITS = 30

_BOOL_RE = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9]+(?:[eE][-+]?[0-9]+)?$")
_NULL_VALUES = {"", "~", "null", "Null", "NULL"}


class YamlError(Exception):
    """A YAML file that cannot be read as data: bad syntax, a tag, a duplicate key."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass
class Located:
    """Parsed YAML data plus the (line, column) of every value, by path."""

    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def position(self, path: Path_) -> tuple[int | None, int | None]:
        """The 1-based line and column of the value at ``path`` or its nearest parent."""
        probe = tuple(path)
        while True:
            if probe in self.positions:
                return self.positions[probe]
            if not probe:
                return (None, None)
            probe = probe[:-1]


def _scalar(node: yaml.ScalarNode) -> Any:
    """Type a scalar the YAML 1.2 core way, but keep dates and timestamps as text."""
    value = node.value
    if node.style in ("'", '"', "|", ">"):
        return value
    if node.tag not in (
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    ):
        raise YamlError(
            f"tag {node.tag!r} is not allowed in records; write plain values",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    if value in _NULL_VALUES:
        return None
    if _BOOL_RE.match(value):
        return value.lower() == "true"
    if _INT_RE.match(value):
        digits = value.replace("_", "").lstrip("+-")
        if len(digits) > MAX_DIGITS:
            raise YamlError(
                f"a number of {len(digits)} digits; numbers in records have at most "
                f"{MAX_DIGITS} digits",
                node.start_mark.line + 1,
                node.start_mark.column + 1,
            )
        return int(value.replace("_", ""))
    if _FLOAT_RE.match(value):
        return float(value.replace("_", ""))
    return value


def _check_tag(node: yaml.Node, default: str) -> None:
    if node.tag != default:
        raise YamlError(
            f"tag {node.tag!r} is not allowed in records; write plain values",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )


def _convert(
    node: yaml.Node,
    path: Path_,
    positions: dict[Path_, tuple[int, int]],
    seen: set[int] | None = None,
) -> Any:
    seen = set() if seen is None else seen
    if len(path) > MAX_DEPTH:
        raise YamlError(
            f"nested deeper than {MAX_DEPTH} levels; records are only a few levels deep",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    if id(node) in seen:
        raise YamlError(
            "anchors and aliases (&name, *name) are not allowed in records; write each value out",
            node.start_mark.line + 1,
            node.start_mark.column + 1,
        )
    seen.add(id(node))
    positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        _check_tag(node, "tag:yaml.org,2002:seq")
        return [_convert(item, (*path, i), positions, seen) for i, item in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        _check_tag(node, "tag:yaml.org,2002:map")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlError(
                    "merge keys (<<) are not allowed in records",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(
                    "keys must be plain words",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            key = key_node.value
            if key in result:
                first = positions.get((*path, key), (None, None))[0]
                raise YamlError(
                    f"duplicate key {key!r} (first at line {first}); each key may appear once",
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _convert(value_node, (*path, key), positions, seen)
            # Keep the key's own position: errors about a field point at its name.
            positions[(*path, key)] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return result
    raise YamlError("unsupported YAML node")  # pragma: no cover


def parse_yaml(text: str) -> Located:
    """Parse one YAML document into plain data with positions; raise YamlError."""
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        problem = exc.problem or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own limit, deeper than ours
            problem = f"nested deeper than {MAX_DEPTH} levels; records are only a few levels deep"
            raise YamlError(problem, mark.line + 1 if mark else None) from None
        raise YamlError(
            f"YAML syntax: {problem}",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"YAML syntax: {exc}") from None
    except RecursionError:  # the pure-Python composer, without libyaml
        raise YamlError(
            f"nested deeper than {MAX_DEPTH} levels; records are only a few levels deep"
        ) from None
    positions: dict[Path_, tuple[int, int]] = {}
    if node is None:
        return Located(None, positions)
    if isinstance(node, yaml.ScalarNode) and node.tag.startswith("!"):
        raise YamlError(f"tag {node.tag!r} is not allowed in records")
    return Located(_convert(node, (), positions), positions)


def read_yaml(path: Path, root: Path | None = None) -> Located:
    """Read and parse a YAML file under ``root`` (see :func:`~tos_kb.records.files.read_text`).

    Undecodable bytes are a YamlError too; a link, a FIFO, a device or a file
    over the size limit is an :class:`~tos_kb.errors.ArchiveFileError`.
    """
    try:
        text = read_text(path, root)
    except UnicodeDecodeError as exc:
        raise YamlError(f"the file is not UTF-8 text ({exc.reason})") from None
    return parse_yaml(text)
