"""Dates as the archive knows them: exact days, months, or unknown.

Why a module of its own: legal dates are often known only to the month, or
only as "in force on this day" (an as-of date). The half-open interval
``[start, end)`` (:class:`Interval`) is written once, here, with how an
imprecise date becomes a first day; :mod:`tos_kb.records.timeline` uses it to
place versions, and governing ranges expose it as ``Governance.interval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tos_kb.errors import InputError

UNKNOWN = "unknown"
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits, whole string (fullmatch)
_MONTH_RE = re.compile(r"[0-9]{4}-[0-9]{2}")
VERSION_ID_RE = re.compile(  # use with fullmatch: "$" would accept a final newline
    r"^(?:\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|undated(?:-[a-z0-9]+(?:-[a-z0-9]+)*)?)$"
)
VERSION_ID_HELP = "YYYY-MM-DD, YYYY-MM (month known only), or undated / undated-<slug>"


def parse_day(value: object) -> date:
    """Parse an ISO day (``YYYY-MM-DD``, nothing else) or a ``date``.

    Anything else (an int such as ``20230801``, ``"2023W312"``, ``"2023-8-1"``)
    raises :class:`~tos_kb.errors.InputError`; ``"2023-02-30"`` is reported as
    an impossible date.
    """
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _DAY_RE.fullmatch(value):
        raise InputError(f"expected a date written YYYY-MM-DD, found {_short(value)}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{value!r} is not a real calendar date") from None


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


def check_fuzzy(value: object) -> str:
    """Validate a date that may be a day, a month or 'unknown'; return it as text."""
    if value == UNKNOWN:
        return UNKNOWN
    if isinstance(value, str) and _MONTH_RE.fullmatch(value):
        _, month = value.split("-")
        if not 1 <= int(month) <= 12:
            raise ValueError(f"{value!r} is not a real month")
        return value
    return parse_day(value).isoformat()


def fuzzy_start(value: str) -> tuple[date | None, bool]:
    """The first day a fuzzy date can denote, and whether that day is exact."""
    if value == UNKNOWN:
        return None, False
    if _MONTH_RE.fullmatch(value):
        return date.fromisoformat(value + "-01"), False
    return date.fromisoformat(value), True


def version_date_part(version_id: str) -> str | None:
    """The date (day or month) a version id names, or None for an undated version."""
    if version_id.startswith("undated"):
        return None
    return version_id


@dataclass(frozen=True)
class Interval:
    """A half-open span of days ``[start, end)``; ``end=None`` means still open."""

    start: date
    end: date | None = None

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in ``[start, end)``."""
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: Interval) -> bool:
        """Whether two half-open intervals share at least one day."""
        a_end = self.end or date.max
        b_end = other.end or date.max
        return self.start < b_end and other.start < a_end

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat() if self.end else '…'})"
