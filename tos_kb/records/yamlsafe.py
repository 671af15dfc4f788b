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

_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_TAGS = frozenset(
    (
        _STR,
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:timestamp",
    )
)
# The plain scalars YAML 1.1 would read as a tag outside _SCALAR_TAGS (refused).
_REFUSED_PLAIN = {"<<": _MERGE, "=": "tag:yaml.org,2002:value"}
_TEXT_STYLES = frozenset(("'", '"', "|", ">"))
_WORDS: dict[str, bool | None] = {
    **dict.fromkeys(("", "~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}
_NUMBER_START = frozenset("+-.0123456789")  # every int or float below starts with one
_INT_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.[0-9]+(?:[eE][-+]?[0-9]+)?$")


class _Loader(_BaseLoader):
    """libyaml's composer with a resolver that tells only what :func:`_scalar` checks.

    Why: PyYAML's resolver matches every plain scalar against the YAML 1.1
    patterns (a Python call and regexes per value), and :func:`_scalar` types
    values itself; all it needs from the tag is whether the value was tagged
    explicitly or is one of the plain scalars YAML 1.1 gives a refused tag.
    """

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        """The tag of an untagged node (``implicit``: a scalar's (plain, quoted) flags)."""
        if kind is yaml.ScalarNode:
            if implicit[0] and value in _REFUSED_PLAIN:
                return _REFUSED_PLAIN[value]
            return _STR
        return _SEQ if kind is yaml.SequenceNode else _MAP


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


def _refused_tag(node: yaml.Node) -> YamlError:
    return YamlError(
        f"tag {node.tag!r} is not allowed in records; write plain values",
        node.start_mark.line + 1,
        node.start_mark.column + 1,
    )


def _scalar(node: yaml.ScalarNode) -> Any:
    """Type a scalar the YAML 1.2 core way, but keep dates and timestamps as text."""
    value = node.value
    if node.style in _TEXT_STYLES:
        return value
    if node.tag not in _SCALAR_TAGS:
        raise _refused_tag(node)
    if value in _WORDS:
        return _WORDS[value]
    if not value or value[0] not in _NUMBER_START:
        return value
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


def _convert(
    node: yaml.Node,
    path: Path_,
    positions: dict[Path_, tuple[int, int]],
    seen: set[int],
) -> Any:
    """``node`` as plain data, recording where each value stands (one pass, no copies).

    Runs once per value of every record on each load, so the common case (a
    scalar) is handled first and checks are ordered by how often they decide.
    """
    mark = node.start_mark
    if len(path) > MAX_DEPTH:
        raise YamlError(
            f"nested deeper than {MAX_DEPTH} levels; records are only a few levels deep",
            mark.line + 1,
            mark.column + 1,
        )
    if id(node) in seen:
        raise YamlError(
            "anchors and aliases (&name, *name) are not allowed in records; write each value out",
            mark.line + 1,
            mark.column + 1,
        )
    seen.add(id(node))
    positions[path] = (mark.line + 1, mark.column + 1)
    kind = type(node)
    if kind is yaml.ScalarNode:
        return _scalar(node)  # type: ignore[arg-type]
    if kind is yaml.MappingNode:
        if node.tag != _MAP:
            raise _refused_tag(node)
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key_mark = key_node.start_mark
            if key_node.tag == _MERGE:
                raise YamlError(
                    "merge keys (<<) are not allowed in records",
                    key_mark.line + 1,
                    key_mark.column + 1,
                )
            if type(key_node) is not yaml.ScalarNode:
                raise YamlError("keys must be plain words", key_mark.line + 1, key_mark.column + 1)
            key = key_node.value
            where = (*path, key)
            if key in result:
                first = positions.get(where, (None, None))[0]
                raise YamlError(
                    f"duplicate key {key!r} (first at line {first}); each key may appear once",
                    key_mark.line + 1,
                    key_mark.column + 1,
                )
            at = (key_mark.line + 1, key_mark.column + 1)
            positions[where] = at  # errors about a field point at its name, not its value
            if (
                type(value_node) is yaml.ScalarNode
                and len(where) <= MAX_DEPTH
                and id(value_node) not in seen
            ):  # most values: the checks of _convert, without a call
                seen.add(id(value_node))
                result[key] = _scalar(value_node)
            else:
                result[key] = _convert(value_node, where, positions, seen)
                positions[where] = at
        return result
    if kind is yaml.SequenceNode:
        if node.tag != _SEQ:
            raise _refused_tag(node)
        return [_convert(item, (*path, i), positions, seen) for i, item in enumerate(node.value)]
    raise YamlError("unsupported YAML node")  # pragma: no cover


def parse_yaml(text: str) -> Located:
    """Parse one YAML document into plain data with positions; raise YamlError."""
    try:
        node = yaml.compose(text, Loader=_Loader)
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
    return Located(_convert(node, (), positions, set()), positions)


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
