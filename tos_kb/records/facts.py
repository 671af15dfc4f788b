"""Fact values and their types: the one place that says what a fact accepts.

Why a module of its own: the same rule is needed by the Python API (values
passed to ``ask``), the command line (``--fact name=value`` text), the
validator (constants inside ``when:`` conditions) and the browser (which
receives :func:`type_phrase` through the export). Each of them reports a
wrong value with :func:`wrong_type`, so a user reads the same words wherever
the mistake is made.
"""

from __future__ import annotations

import math
from typing import Any

from tos_kb.errors import FactValueError
from tos_kb.records.vocab import FactLike, FactType

# Sizes a value may have. Integers stay within what the browser's numbers hold exactly
# (2**53 is about 9.007e15), so Python and the Ask page read the same values; text
# (model names, free text) is a name, not a document.
MAX_INTEGER = 10**15 - 1
MAX_TEXT = 200
TRUE_WORDS = ("true", "yes", "1")
FALSE_WORDS = ("false", "no", "0")


def type_phrase(spec: FactLike) -> str:
    """What a fact of this type takes, in words ("true or false", "a whole number", ...)."""
    if spec.type == FactType.BOOLEAN:
        return "true or false"
    if spec.type == FactType.INTEGER:
        return f"a whole number of at most {len(str(MAX_INTEGER))} digits"
    if spec.type == FactType.ENUM:
        return "one of " + ", ".join(spec.values or [])
    if spec.type == FactType.SUBJECT:
        return (
            "a model name (a subject id or alias here, or any other name) "
            f"of at most {MAX_TEXT} characters"
        )
    return f"text of at most {MAX_TEXT} characters"


def wrong_type(name: str, spec: FactLike, found: object) -> str:
    """The message for a value of the wrong type: the same words everywhere."""
    return f"fact '{name}' takes {type_phrase(spec)}; found {shown(found)}"


def shown(value: object, limit: int = 80) -> str:
    """``repr(value)`` cut to ``limit`` characters (a huge value is named, not printed)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**60:
        return f"a number of about {int(abs(value).bit_length() * math.log10(2)) + 1} digits"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def accepts(spec: FactLike, value: object) -> bool:
    """Whether ``value`` (a Python value, as in a record or an ``ask`` call) fits the type."""
    if spec.type == FactType.BOOLEAN:
        return isinstance(value, bool)
    if spec.type == FactType.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) <= MAX_INTEGER
    if spec.type == FactType.ENUM:
        return isinstance(value, str) and value in (spec.values or [])
    return isinstance(value, str) and len(value) <= MAX_TEXT


def check_value(name: str, spec: FactLike, value: Any) -> Any:
    """``value`` as the engine compares it, or :class:`FactValueError` with :func:`wrong_type`."""
    if spec.type == FactType.INTEGER and isinstance(value, float) and value.is_integer():
        value = int(value)
    if not accepts(spec, value):
        raise FactValueError(wrong_type(name, spec, value))
    return value


def parse_text(name: str, spec: FactLike, raw: str) -> Any:
    """A value typed on the command line (``true``/``no``, ``1_000_000``, ``1,000``) as Python."""
    text = raw.strip()
    if spec.type == FactType.BOOLEAN:
        if text.lower() in TRUE_WORDS:
            return True
        if text.lower() in FALSE_WORDS:
            return False
        raise FactValueError(wrong_type(name, spec, raw))
    if spec.type == FactType.INTEGER:
        digits = text.replace("_", "").replace(",", "")
        number = digits.removeprefix("-")
        if not (number.isascii() and number.isdigit()) or len(number) > len(str(MAX_INTEGER)):
            raise FactValueError(wrong_type(name, spec, raw))
        return int(digits)
    return check_value(name, spec, text)
