"""The public facade: a loaded knowledge base and the questions people ask of it.

``KnowledgeBase`` holds two things and delegates to the stage that owns each
job: the compiled :class:`~tos_kb.answer.index.Index` (answering, in
:mod:`tos_kb.answer.decide`) and the parsed records of ``terms/`` (browsing,
diffs and review, read lazily from the folder after a cached load).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tos_kb.answer import decide
from tos_kb.answer.decide import Period, parse_on
from tos_kb.answer.decision import Decision
from tos_kb.answer.index import Index, unknown_name
from tos_kb.records import conditions as cond
from tos_kb.records.timeline import DocumentTimeline
from tos_kb.store.release import Release, of_folder

if TYPE_CHECKING:
    from tos_kb.diff.changes import ChangeEvent, VersionDiff
    from tos_kb.diff.story import Story
    from tos_kb.records.loader import Archive, VersionEntry
    from tos_kb.records.models import Subject, VersionRecord


class KnowledgeBase:
    """A loaded knowledge base. Build it with ``tos_kb.load()``."""

    def __init__(
        self,
        root: Path,
        index: Index,
        archive: Archive | None = None,
        *,
        origin: str = "explicit",
        release: Release | None = None,
        cache_key: str | None = None,
        packaged: bool = False,
    ):
        self.root = root
        self.index = index
        self.origin = origin  # how the archive was chosen: explicit, environment, checkout...
        self.cache_key = cache_key  # the fingerprint its index is cached under, if cached
        self.packaged = packaged  # whether the index is the one built into the package
        self._archive = archive
        self._release = release
        self._changes: list[ChangeEvent] | None = None
        self.scratch: object | None = None  # a temporary checkout this KB is read from, if any

    @property
    def release(self) -> Release:
        """The data release answers come from (computed once, from git in a checkout)."""
        if self._release is None:
            newest = self.index.newest_change()
            day = newest.isoformat() if newest else None
            self._release = of_folder(self.root, day, self.cache_key)
        return self._release

    @property
    def archive(self) -> Archive:
        """The parsed records (read again from ``terms/`` after a cached load, on first use)."""
        if self._archive is None:
            from tos_kb.records.loader import load_archive
            from tos_kb.records.validate import check_structure

            archive = load_archive(self.root)
            check_structure(archive)
            self._archive = archive
        return self._archive

    # --- questions -----------------------------------------------------------------------

    def ask(self, subject: str, action: str, on: date | str, **facts: Any) -> Decision:
        """Was ``action`` permitted with ``subject`` on day ``on``, given ``facts``?"""
        decision = decide.ask(self.index, subject, action, on, facts)
        decision.release = self.release.id
        return decision

    def history(self, subject: str, action: str, **facts: Any) -> list[Period]:
        """The answer over the whole timeline: one period per stretch with the same answer."""
        periods = decide.history(self.index, subject, action, facts)
        for period in periods:
            period.decision.release = self.release.id
        return periods

    def resolve_subject(self, name: str) -> str:
        """The subject id that ``name`` (an id, alias or provider id) means."""
        return self.index.resolve_subject(name)

    def conditions_for(
        self, subject: str, action: str, day: date | None = None
    ) -> list[cond.Condition]:
        """Every condition that can bear on (subject, action), optionally on one day."""
        return self.index.conditions_for(self.resolve_subject(subject), action, day)

    # --- changes -------------------------------------------------------------------------

    def diff(
        self,
        old: str,
        new: str | date | None = None,
        on_new: date | str | None = None,
        *,
        with_text: bool = True,
    ) -> VersionDiff:
        """What changed between two versions: text, rules per action (with witnesses), quotes.

        ``kb.diff("doc@v1", "doc@v2")`` or, by dates, ``kb.diff("doc", "2023-06-01",
        "2024-06-01")`` (the versions in force on those days). The two versions may belong
        to different documents (a licence and its successor).
        """
        from tos_kb.diff.changes import diff_versions

        if "@" not in old:
            if new is None or on_new is None:
                raise ValueError("diff(document, date1, date2) needs two dates")
            old_key, new_key = (self._in_force(old, parse_on(d)) for d in (new, on_new))
        else:
            if not isinstance(new, str) or "@" not in new:
                raise ValueError("diff(old, new) takes two provider/document@version ids")
            old_key, new_key = old, new
        return diff_versions(self.index, self.archive, old_key, new_key, with_text=with_text)

    def _in_force(self, document: str, day: date) -> str:
        placed = self.index.in_force(document, day)
        if placed is None:
            raise ValueError(f"no version of {document} is in force on {day}")
        return placed.key

    def changes(
        self,
        *,
        subject: str | None = None,
        document: str | None = None,
        action: str | None = None,
        direction: str | None = None,
        since: date | str | None = None,
        until: date | str | None = None,
        include_reworded: bool = False,
    ) -> list[ChangeEvent]:
        """The change events, filtered, oldest first: one per (day, subject) or (day, document).

        Each event holds the change of every action that moved, with witnesses
        and a summary in plain words. Rewordings that move no answer are left
        out unless ``include_reworded``.
        """
        from tos_kb.diff.changes import filter_changes

        if self._changes is None:
            self._changes = self._all_changes()
        if action is not None:
            self.index.check_action(action)
        return filter_changes(
            self._changes,
            self.index,
            subject=subject,
            document=document,
            action=action,
            direction=direction,
            since=parse_on(since) if since else None,
            until=parse_on(until) if until else None,
            include_reworded=include_reworded,
        )

    def _all_changes(self) -> list[ChangeEvent]:
        """Every change event: stored beside the index when it can be, else computed (once)."""
        from tos_kb.diff.changes import all_changes
        from tos_kb.store import events

        if self.packaged:
            found = events.read_packaged(self.index)
        elif self.cache_key is not None:
            found = events.read(self.cache_key, self.index)
        else:
            found = None
        if found is None:
            found = all_changes(self.index, self.archive)
            if self.cache_key is not None and self._unchanged_since_load():
                events.write(self.cache_key, self.index, found)
        return found

    def _unchanged_since_load(self) -> bool:
        """Whether ``terms/`` still has the content the index was compiled from (the records
        may have been read from the folder later): only then are events stored under its key."""
        from tos_kb.store.cache import fingerprint

        return fingerprint(self.root) == self.cache_key

    def story(
        self,
        provider_or_subject: str,
        since: date | str | None = None,
        until: date | str | None = None,
    ) -> Story:
        """What tightened or loosened for a provider or subject, in date order, with quotes.

        Opens with what the archive covers for it in that period and where it has gaps.
        """
        from tos_kb.diff.story import story

        return story(
            self,
            provider_or_subject,
            parse_on(since) if since else None,
            parse_on(until) if until else None,
        )

    # --- browsing ------------------------------------------------------------------------

    def versions(self, document: str | None = None) -> list[VersionRecord]:
        """Every archived version (of one document if named), in document and date order."""
        if document is not None and document not in self.archive.versions:
            raise unknown_name("document", document, self.archive.versions)
        docs = [document] if document else sorted(self.archive.versions)
        entries = {e.key: e for doc in docs for e in self.archive.versions[doc]}
        timelines = self.index.timelines
        return [entries[p.key].record for doc in docs for p in timelines[doc].placed] + [
            entries[k].record for doc in docs for k in timelines[doc].undated
        ]

    def version(self, key: str) -> VersionEntry:
        """A version by ``provider/document@version`` (its text is read on demand)."""
        if key not in self.index.versions:
            raise unknown_name("version", key, self.index.versions)
        document = key.split("@", 1)[0]
        return next(e for e in self.archive.versions[document] if e.key == key)

    def timeline(self, document: str) -> DocumentTimeline:
        """A document's versions placed on the calendar."""
        if document not in self.index.timelines:
            raise unknown_name("document", document, self.index.timelines)
        return self.index.timelines[document]

    def subjects(self) -> list[Subject]:
        """Every subject, by id."""
        return [self.archive.subjects[k] for k in sorted(self.archive.subjects)]

    def subject(self, name: str) -> Subject:
        """A subject by id or alias."""
        return self.archive.subjects[self.resolve_subject(name)]

    @property
    def actions(self) -> dict[str, Any]:
        """The action vocabulary, by id."""
        return dict(self.archive.actions)

    @property
    def facts(self) -> dict[str, Any]:
        """The fact vocabulary, by id."""
        return dict(self.archive.facts)

    @property
    def documents(self) -> dict[str, Any]:
        """Every document, by id."""
        return dict(self.archive.documents)
