"""When each version governs: a document's versions placed on the calendar.

The half-open interval itself is :class:`tos_kb.records.dates.Interval`; this
module says which interval each version gets. A version governs from its
start until the next version's start (or its ``withdrawn`` day). Its start
is its effective day; when only the month is known, the first of the month;
when only "in force on" days are attested, the earliest of them. The last
two are *approximate*, and answers say so.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tos_kb.records.dates import UNKNOWN, Interval, fuzzy_start

if TYPE_CHECKING:
    from tos_kb.records.models import VersionRecord


@dataclass(frozen=True)
class Start:
    """The first day a version is taken to govern, and how sure that is."""

    day: date
    exact: bool
    caveat: str | None = None


def version_start(record: VersionRecord) -> Start | None:
    """The start of a version's interval, or None when it cannot be placed in time."""
    if record.effective != UNKNOWN:
        day, exact = fuzzy_start(record.effective)
        assert day is not None
        if exact:
            return Start(day, True)
        return Start(
            day,
            False,
            f"{record.document}@{record.version} took effect some day in "
            f"{record.effective}; it is taken to govern from {day}",
        )
    if record.in_force_on:
        day = min(record.in_force_on)
        return Start(
            day,
            False,
            f"when {record.document}@{record.version} took effect is "
            f"unknown; it is attested in force on {day}",
        )
    return None


@dataclass(frozen=True)
class Placed:
    """A version placed on its document's timeline."""

    key: str
    interval: Interval
    start: Start


class DocumentTimeline:
    """The versions of one document in date order, for lookups by day."""

    def __init__(self, records: list[tuple[str, VersionRecord]]):
        dated: list[tuple[Start, str, VersionRecord]] = []
        self.undated: list[str] = []
        for key, record in records:
            start = version_start(record)
            if start is None:
                self.undated.append(key)
            else:
                dated.append((start, key, record))
        dated.sort(key=lambda item: item[0].day)
        placed: list[Placed] = []
        for i, (start, key, record) in enumerate(dated):
            end = dated[i + 1][0].day if i + 1 < len(dated) else None
            if record.withdrawn is not None and (end is None or record.withdrawn < end):
                end = record.withdrawn
            placed.append(Placed(key, Interval(start.day, end), start))
        self.placed = placed
        self._starts = [p.interval.start for p in placed]

    def at(self, day: date) -> Placed | None:
        """The version in force on ``day``, or None (before the first, or withdrawn)."""
        if not self.placed:
            return self._only_undated()
        index = bisect_right(self._starts, day) - 1
        if index < 0:
            return None
        found = self.placed[index]
        return found if found.interval.contains(day) else None

    def _only_undated(self) -> Placed | None:
        """A document whose one text has no date governs whenever a subject names it."""
        if len(self.undated) != 1:
            return None
        key = self.undated[0]
        return Placed(
            key,
            Interval(date.min),
            Start(
                date.min, False, f"{key} is undated; it applies over the range its subject gives"
            ),
        )
