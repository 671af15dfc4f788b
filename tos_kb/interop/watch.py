"""``tos-kb watch``: which mapped documents Open Terms Archive saw change after our newest version.

Why: a maintainer should learn within a day that a provider changed terms
the archive covers. For each mapped document and each repository given, the
newest archived version is located among OTA's recorded versions (the commit
its record cites, the same words, or an OTA version holding its excerpt);
every real change OTA recorded after it is pending unless its words equal an
archived text, it only changed formatting (same words after Markdown
normalisation), or ``terms/ota-mapping.yaml`` lists it as reviewed. Each
pending change comes with a clause-level summary from the project's own text
diff (:func:`tos_kb.diff.text.diff_texts`).

A "technical or declaration upgrade" is never a version, but OTA sometimes
records a new text inside one (the Grok terms effective 26 June 2026 exist
only in such commits). So an upgrade whose dateline differs from the text
before it is reported too, unless the archive holds a version of that
effective date, lists it under ``not_obtained``, or the mapping reviews it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tos_kb.diff.text import DELETE, INSERT, TextDiff, diff_texts
from tos_kb.interop.ota_import import Listed, decode, list_versions
from tos_kb.interop.ota_mapping import (
    files_for,
    load_mapped_archive,
    mapped_documents,
    reviews_of,
)
from tos_kb.interop.ota_repo import OtaRepo, OtaVersion
from tos_kb.interop.ota_text import find_dateline, normalise_markdown, plain_lines
from tos_kb.records.loader import Archive, VersionEntry
from tos_kb.records.timeline import version_start

CLAUSES_SHOWN = 8


@dataclass(frozen=True)
class Change:
    """One real change OTA recorded after the archive's newest version of a document."""

    version: OtaVersion
    collection: str
    status: str  # "pending", "reviewed: <judgement>", "formatting only", "not obtained"
    clauses: list[str]
    chars_inserted: int
    chars_deleted: int
    dateline: str | None
    quotes_gone: list[str] = field(default_factory=list)
    dateline_before: str | None = None  # set for an upgrade that changed the dateline

    @property
    def upgrade(self) -> bool:
        """A technical upgrade reported because it changed the text's dateline."""
        return not self.version.real

    def as_dict(self) -> dict[str, Any]:
        """Plain data, for JSON."""
        return {
            "observed": self.version.observed.isoformat(),
            "commit": self.version.commit,
            "collection": self.collection,
            "path": self.version.path,
            "status": self.status,
            "kind": self.version.kind,
            "dateline": self.dateline,
            "dateline_before": self.dateline_before,
            "chars_inserted": self.chars_inserted,
            "chars_deleted": self.chars_deleted,
            "quotes_gone": self.quotes_gone,
            "clauses": self.clauses,
        }


@dataclass
class DocumentReport:
    """What OTA recorded of one document after its newest archived version."""

    document: str
    newest: str | None
    anchor: str | None  # how the newest version was found among OTA's versions
    changes: list[Change] = field(default_factory=list)

    @property
    def pending(self) -> list[Change]:
        """The changes nobody has archived or judged yet."""
        return [c for c in self.changes if c.status == "pending"]


@dataclass
class WatchReport:
    """Every mapped document recorded in the repositories given."""

    repositories: list[str]
    since: date | None
    documents: list[DocumentReport]

    @property
    def changed(self) -> list[DocumentReport]:
        """Documents with at least one pending change."""
        return [d for d in self.documents if d.pending]


def summarise(diff: TextDiff, limit: int = CLAUSES_SHOWN) -> list[str]:
    """The clauses a diff touches, each with the words removed and added (shortened)."""
    lines = []
    for hunk in diff.hunks[:limit]:
        removed = " ".join("".join(t for op, t in hunk.ops if op == DELETE).split())
        added = " ".join("".join(t for op, t in hunk.ops if op == INSERT).split())
        if hunk.kind in ("added", "removed"):
            removed = " ".join(hunk.old_text.split())
            added = " ".join(hunk.new_text.split())
        words = " ".join(
            part
            for part in (
                f'-"{_short(removed)}"' if removed else "",
                f'+"{_short(added)}"' if added else "",
            )
            if part
        )
        lines.append(f"{hunk.kind} {hunk.label or '(top)'}: {words}".rstrip(": "))
    if len(diff.hunks) > limit:
        lines.append(f"... and {len(diff.hunks) - limit} more clause(s)")
    return lines


def _short(text: str, width: int = 90) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def newest_version(archive: Archive, document: str) -> VersionEntry | None:
    """The archived version that starts last (undated versions cannot be placed)."""
    placed = [
        (start.day, entry)
        for entry in archive.versions.get(document, [])
        if (start := version_start(entry.record)) is not None
    ]
    return max(placed, key=lambda p: p[0])[1] if placed else None


@dataclass
class _Stream:
    """One file of one repository: its versions and where the archive's newest stands in them."""

    repo: OtaRepo
    listed: list[Listed]
    anchor: int | None = None
    how: str | None = None

    def locate(self, key: str | None) -> None:
        """Find the version ``key`` (None: any archived version) among the recorded ones."""
        hits = [
            i
            for i, item in enumerate(self.listed)
            if item.archived and (key is None or item.archived.key == key)
        ]
        whole = [i for i in hits if self.listed[i].in_archive]
        if whole:
            self.anchor = whole[-1]
            self.how = self.listed[whole[-1]].archived.how  # type: ignore[union-attr]
        elif hits:
            self.anchor, self.how = hits[0], "excerpt"

    def changes(
        self,
        cut: date | None,
        base: str,
        reviewed: dict[str, str],
        since: date | None,
        quotes: list[tuple[str, str]],
        known_days: set[str],
    ) -> list[Change]:
        """Real changes after the anchor (else after ``cut``), each diffed with the one before.

        Upgrades that change the dateline are included (see the module's docstring);
        ``known_days`` are the effective dates the archive holds or lists as not obtained.
        """
        if self.anchor is not None:
            after = range(self.anchor + 1, len(self.listed))
            item = self.listed[self.anchor]
            base = decode(self.repo.text(item.version), item.version.path)
        else:
            after = range(len(self.listed))
        found = []
        for i in after:
            item = self.listed[i]
            if self.anchor is None and cut is not None and item.version.observed <= cut:
                base = decode(self.repo.text(item.version), item.version.path)
                continue
            text = decode(self.repo.text(item.version), item.version.path)
            if not item.in_archive and (since is None or item.version.observed >= since):
                if item.version.real:
                    found.append(_change(self.repo, item, base, text, reviewed, quotes))
                elif (moved := dateline_moved(base, item)) is not None:
                    change = _change(self.repo, item, base, text, reviewed, quotes)
                    found.append(_upgrade_change(change, moved, item, known_days))
            base = text
        return found


def dateline_moved(before: str, item: Listed) -> str | None:
    """The dateline words before an upgrade, when the upgrade changed them (else None)."""
    old = find_dateline(before)
    old_words = old.words if old else None
    new_words = item.dateline.words if item.dateline else None
    if _dateline_key(old_words) == _dateline_key(new_words):
        return None
    return old_words or "(none)"


def _dateline_key(words: str | None) -> str:
    """Dateline words compared without spacing or punctuation ("16," and "16" are the same)."""
    return "".join(ch for ch in (words or "").lower() if ch.isalnum())


def _upgrade_change(change: Change, before: str, item: Listed, known_days: set[str]) -> Change:
    """An upgrade that moved the dateline: pending unless reviewed, archived or listed."""
    status = change.status
    if status in ("pending", "formatting only"):
        day = item.dateline.day if item.dateline else None
        status = "not obtained" if day and day.isoformat() in known_days else "pending"
    return Change(
        version=change.version,
        collection=change.collection,
        status=status,
        clauses=change.clauses,
        chars_inserted=change.chars_inserted,
        chars_deleted=change.chars_deleted,
        dateline=change.dateline,
        quotes_gone=change.quotes_gone,
        dateline_before=before,
    )


def known_effective_days(archive: Archive, document: str) -> set[str]:
    """Effective days the archive holds a version of, or lists as not obtained."""
    days = {
        str(entry.record.effective)
        for entry in archive.versions.get(document, [])
        if entry.record.effective
    }
    record = archive.documents.get(document)
    if record is not None:
        days |= {str(n.effective) for n in record.not_obtained}
    return days


def _change(
    repo: OtaRepo,
    item: Listed,
    before: str,
    after: str,
    reviewed: dict[str, str],
    quotes: list[tuple[str, str]],
) -> Change:
    judgement = next(
        (j for commit, j in reviewed.items() if item.version.commit.startswith(commit)), None
    )
    if judgement is not None:
        status = f"reviewed: {judgement}"
    elif normalise_markdown(before) == normalise_markdown(after):
        status = "formatting only"
    else:
        status = "pending"
    diff = diff_texts(plain_lines(before), plain_lines(after))
    stats = diff.stats
    return Change(
        version=item.version,
        collection=repo.collection or str(repo.path),
        status=status,
        clauses=summarise(diff),
        chars_inserted=stats.chars_inserted,
        chars_deleted=stats.chars_deleted,
        dateline=item.dateline.words if item.dateline else None,
        quotes_gone=quotes_gone(quotes, after),
    )


def deciding_quotes(entry: VersionEntry | None) -> list[tuple[str, str]]:
    """(action, quote) of every rule of a version that quotes its main text."""
    if entry is None:
        return []
    return [(r.action, r.quote) for r in entry.record.rules if r.quote and not r.quote_file]


def quotes_gone(quotes: list[tuple[str, str]], text: str) -> list[str]:
    """The actions whose deciding words no longer stand in ``text`` (after normalisation).

    A sign, not a verdict: words can stay while a new clause adds a
    restriction, so an empty list still needs the diff read.
    """
    words = normalise_markdown(text)
    return list(dict.fromkeys(a for a, q in quotes if normalise_markdown(q) not in words))


def watch(repos: list[OtaRepo], root: Path, since: date | None = None) -> WatchReport:
    """Compare every mapped document's newest archived version with what OTA recorded since."""
    archive, mapping = load_mapped_archive(root)
    reports = []
    for document in mapped_documents(mapping):
        newest = newest_version(archive, document)
        reviewed: dict[str, str] = {
            c: r.judgement for c, r in reviews_of(mapping, document).items()
        }
        report = DocumentReport(document, newest.key if newest else None, None)
        streams = []
        for repo in repos:
            if not any(repo.has(f) for f in files_for(mapping, document, repo)):
                continue
            listed = list_versions(repo, archive, mapping, document)
            for path in dict.fromkeys(item.version.path for item in listed):
                stream = _Stream(repo, [item for item in listed if item.version.path == path])
                stream.locate(newest.key if newest else None)
                streams.append(stream)
        # A file where the newest version was not found starts after the latest place it was
        # found in another file (a duplicate or renamed file), else after the version's start.
        anchored = [s.listed[s.anchor].version.observed for s in streams if s.anchor is not None]
        start = version_start(newest.record) if newest else None
        cut = max(anchored) if anchored else (start.day if start else None)
        report.anchor = next((s.how for s in streams if s.how), "date" if cut else None)
        base = newest.read_text() if newest else ""
        known = known_effective_days(archive, document)
        for stream in streams:
            report.changes.extend(
                stream.changes(cut, base, reviewed, since, deciding_quotes(newest), known)
            )
        found = bool(streams)
        if found:
            report.changes.sort(key=lambda c: c.version.observed)
            reports.append(report)
    return WatchReport([str(r.path) for r in repos], since, reports)


# --- output ----------------------------------------------------------------------

_ANCHOR = {
    "commit": "found in OTA by the commit its record cites",
    "text": "found in OTA by its text",
    "excerpt": "its excerpt found in an OTA version",
    "date": "not found in OTA; changes after its start date",
    None: "no dated archived version",
}


def to_text(report: WatchReport) -> str:
    """Plain text for a terminal: pending changes with their clauses; the others counted."""
    lines = []
    for doc in report.documents:
        if not doc.changes:
            continue
        settled = len(doc.changes) - len(doc.pending)
        lines.append(
            f"{doc.document}: {len(doc.pending)} pending, {settled} formatting-only or reviewed, "
            f"after {doc.newest} ({_ANCHOR[doc.anchor]})"
        )
        for change in doc.pending:
            lines.append(
                f"  {change.version.observed} {change.version.short} "
                f"[{change.collection}: {change.version.path}] "
                f"+{change.chars_inserted}/-{change.chars_deleted} chars"
                + (f'; dateline "{change.dateline}"' if change.dateline else "")
            )
            if change.upgrade:
                lines.append(
                    "      a technical or declaration upgrade (never imported) changed the "
                    f'dateline from "{change.dateline_before}": read it; a new version there '
                    "goes under not_obtained, a false alarm under reviewed:"
                )
            if change.quotes_gone:
                lines.append(f"      quotes no longer found for: {', '.join(change.quotes_gone)}")
            lines.extend(f"      {clause}" for clause in change.clauses)
    lines.append(
        f"{len(report.changed)} of {len(report.documents)} mapped document(s) recorded in these "
        "repositories have changes pending after their newest archived version."
    )
    return "\n".join(lines)


def to_markdown(report: WatchReport) -> str:
    """Markdown for an issue body: one section per changed document."""
    out = [
        "# Open Terms Archive changes after the newest archived versions",
        "",
        f"{len(report.changed)} of {len(report.documents)} mapped document(s) changed"
        + (f" (changes observed since {report.since})" if report.since else "")
        + ". Import a version with `tos-kb import-ota REPO --document DOC --pick COMMIT`, "
        "or list a cosmetic change under `reviewed:` in `terms/ota-mapping.yaml`.",
    ]
    for doc in report.changed:
        out += [
            "",
            f"## `{doc.document}`",
            "",
            f"Newest archived: `{doc.newest}` ({_ANCHOR[doc.anchor]}).",
            "",
        ]
        out += [
            "| observed | commit | collection | file | dateline | chars | quotes gone |",
            "|---|---|---|---|---|---|---|",
        ]
        for change in doc.pending:
            moved = f" (upgrade; was {change.dateline_before})" if change.upgrade else ""
            out.append(
                f"| {change.version.observed} | `{change.version.short}` | {change.collection} "
                f"| {change.version.path} | {change.dateline or ''}{moved} "
                f"| +{change.chars_inserted}/-{change.chars_deleted} "
                f"| {', '.join(change.quotes_gone)} |"
            )
        latest = doc.pending[-1]
        out += [
            "",
            f"Clauses changed by `{latest.version.short}` (diff from the version before):",
            "",
        ]
        out += [f"- {clause}" for clause in latest.clauses]
    return "\n".join(out) + "\n"


def to_json(report: WatchReport) -> str:
    """JSON for scripts."""
    return json.dumps(
        {
            "changed": [d.document for d in report.changed],
            "since": report.since.isoformat() if report.since else None,
            "documents": [
                {
                    "document": d.document,
                    "newest_archived": d.newest,
                    "found_by": d.anchor,
                    "changes": [c.as_dict() for c in d.changes],
                }
                for d in report.documents
            ],
        },
        indent=2,
        ensure_ascii=False,
    )
