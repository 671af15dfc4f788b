"""The closed enumerations of the record format, without pydantic.

Why a module of its own: answering a question must not import the record
models (pydantic costs a few hundred milliseconds at start-up), but it needs
these names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Verdict(StrEnum):
    """What a decision says of an action."""

    PERMITTED = "permitted"
    PROHIBITED = "prohibited"
    CONDITIONAL = "conditional"
    UNKNOWN = "unknown"


class RuleVerdict(StrEnum):
    """What one rule says; ``silent`` records that the document does not address it."""

    PERMITTED = "permitted"
    PROHIBITED = "prohibited"
    CONDITIONAL = "conditional"
    SILENT = "silent"


class FactType(StrEnum):
    """The types a fact's value may have."""

    BOOLEAN = "boolean"
    INTEGER = "integer"
    STRING = "string"
    ENUM = "enum"
    SUBJECT = "subject"  # a model name: resolved through subject ids and aliases


class FactLike(Protocol):
    """Anything that says a fact's type and allowed values (FactSpec, the record model)."""

    @property
    def type(self) -> FactType: ...

    @property
    def values(self) -> Sequence[str] | None: ...


@dataclass(frozen=True)
class FactSpec:
    """What the engine needs to know of a fact: its type and allowed values."""

    id: str
    type: FactType
    values: tuple[str, ...] | None = None
