"""``tos-kb import-ota``: list the versions OTA recorded of a document, and scaffold one.

Why: a lawyer should not retype what Open Terms Archive already captured.
The listing says, for each commit of the mapped files, when OTA observed it,
whether it is a real change or a technical upgrade (never offered), and
whether the archive already holds it (the record cites the commit, or the
words are the same after Markdown normalisation, or an archived excerpt
stands in it). A picked version goes through the scaffold of ``tos-kb new``
with OTA as the source; nothing is written unless a version is picked, and
nothing existing is overwritten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tos_kb.contribute.scaffold import Origin, ScaffoldError, scaffold_text
from tos_kb.interop.ota_mapping import files_for, repository_of
from tos_kb.interop.ota_repo import OtaError, OtaRepo, OtaVersion
from tos_kb.interop.ota_text import (
    Dateline,
    find_dateline,
    first_heading,
    normalise_markdown,
)
from tos_kb.records.loader import Archive, VersionEntry
from tos_kb.records.mapping import ota_citation
from tos_kb.records.models import OtaMapping

ATTRIBUTION = "data under ODC-BY 1.0 (attribution: Open Terms Archive contributors)"


class AlreadyArchived(OtaError):
    """The picked version is already in the archive, or its folder exists: nothing written."""


@dataclass(frozen=True)
class Match:
    """How an OTA version is already in the archive."""

    key: str
    how: str  # "commit" (the record cites it), "text" (same words), "excerpt" (holds its words)

    def describe(self) -> str:
        """A few words for the listing."""
        return {
            "commit": f"archived as {self.key} (its record cites this commit)",
            "text": f"archived as {self.key} (same text)",
            "excerpt": f"holds the archived excerpt {self.key}",
        }[self.how]


@dataclass(frozen=True)
class Listed:
    """One recorded version of a mapped file, with what the archive knows of it."""

    version: OtaVersion
    archived: Match | None
    dateline: Dateline | None

    @property
    def in_archive(self) -> bool:
        """Already archived as a whole (an excerpt match is not the whole version)."""
        return self.archived is not None and self.archived.how != "excerpt"


class ArchivedTexts:
    """A document's archived texts, normalised once, to recognise OTA versions of them."""

    def __init__(self, archive: Archive, document: str):
        self.entries: list[tuple[VersionEntry, str, tuple[str, str, str | None] | None]] = []
        for entry in archive.versions.get(document, []):
            try:
                text = normalise_markdown(entry.read_text())
            except (OSError, UnicodeDecodeError):
                continue
            self.entries.append((entry, text, ota_citation(entry)))

    def match(self, version: OtaVersion, text: str) -> Match | None:
        """The archived version this OTA version is, or holds; None when it is new."""
        for entry, _, cited in self.entries:
            if (
                cited
                and cited[2]
                and cited[1] + ".md" == version.path
                and version.commit.startswith(cited[2])
            ):
                return Match(entry.key, "commit")
        words = normalise_markdown(text)
        for entry, archived, _ in self.entries:
            if archived == words:
                return Match(entry.key, "text")
        for entry, archived, _ in self.entries:
            if archived and archived in words:
                return Match(entry.key, "excerpt")
        return None


def decode(data: bytes, where: str) -> str:
    """An OTA file as text (OTA writes UTF-8)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise OtaError(f"{where} is not UTF-8 text") from None


def list_versions(
    repo: OtaRepo,
    archive: Archive,
    mapping: OtaMapping,
    document: str,
    since: date | None = None,
) -> list[Listed]:
    """Every version ``repo`` recorded of ``document``'s files, oldest first."""
    files = files_for(mapping, document, repo)
    present = [f for f in files if repo.has(f)]
    if not present:
        raise OtaError(
            f"{repo.path} ({repo.collection or 'unnamed collection'}) records none of the "
            f"files mapped to {document}: {', '.join(files) or 'none for this collection'}"
        )
    known = ArchivedTexts(archive, document)
    listed = []
    for version in sorted((v for f in present for v in repo.versions(f)), key=lambda v: v.observed):
        if since is not None and version.observed < since:
            continue
        text = decode(repo.text(version), f"{version.path} at {version.short}")
        listed.append(Listed(version, known.match(version, text), find_dateline(text)))
    return listed


def pick(listed: list[Listed], commit: str | None, latest: bool) -> Listed:
    """The version asked for: by commit, or the latest real change."""
    if latest:
        real = [item for item in listed if item.version.real]
        if not real:
            raise OtaError("no real change is recorded in the listed range")
        return real[-1]
    assert commit is not None
    found = [item for item in listed if item.version.commit.startswith(commit.lower())]
    if not found:
        raise OtaError(f"commit {commit} is not among the listed versions of this document")
    if len({item.version.commit for item in found}) > 1:
        raise OtaError(f"commit {commit} is ambiguous; give more hex digits")
    chosen = found[0]
    if not chosen.version.real:
        raise OtaError(
            f"commit {chosen.version.short} is a technical or declaration upgrade by Open Terms "
            "Archive, not a new version of the terms; pick the real change before it"
        )
    return chosen


def origin_of(
    chosen: Listed,
    repo: OtaRepo,
    archive: Archive,
    mapping: OtaMapping,
    document: str,
    text: str,
    version_id: str | None,
) -> tuple[str, Origin]:
    """The version id and the provenance a picked version is scaffolded with."""
    version, dateline = chosen.version, chosen.dateline
    repository = repository_of(mapping, repo)
    if repository is None:
        raise OtaError(
            f"the collection {repo.collection or '(unnamed)'} of {repo.path} is not declared "
            "under collections: in ota-mapping.yaml"
        )
    day = dateline.day if dateline else None
    vid = version_id or (day.isoformat() if day else version.observed.isoformat())
    in_force: list[date] = []
    if day is not None and vid == day.isoformat():
        effective, basis = vid, dateline.basis if dateline else None
    else:
        effective = "unknown"
        if vid == version.observed.isoformat():
            in_force = [version.observed]
        if dateline is None:
            basis = (
                "TODO no dateline in the text: find when this version took effect (Open Terms "
                f"Archive observed it on {version.observed})"
            )
        elif day is None:
            basis = (
                f'TODO the dateline "{dateline.words}" is not a date tos-kb can read: state the '
                f"effective date (Open Terms Archive observed the text on {version.observed})"
            )
        else:
            basis = (
                f'TODO the dateline reads "{dateline.words}", but this version is filed as '
                f"{vid}: say when these words took effect (observed {version.observed})"
            )
    heading = first_heading(text)
    document_record = archive.documents.get(document)
    return vid, Origin(
        title="TODO title as the text gives it"
        + (f' (its first heading reads "{heading}")' if heading else ""),
        effective=effective,
        effective_basis=basis,
        in_force_on=in_force,
        retrieved=version.observed,
        source_url=document_record.canonical_url if document_record else None,
        obtained_from=(
            f'Open Terms Archive, collection "{repo.collection}" (public repository '
            f'{repository}), path "{version.path}", commit {version.commit}, observed '
            f"{version.observed}; {ATTRIBUTION}"
        ),
        notes=(
            "Imported with tos-kb import-ota: the Open Terms Archive version as recorded (the "
            "whole Markdown file, which may combine several pages)."
        ),
    )


def import_version(
    repo: OtaRepo,
    archive: Archive,
    mapping: OtaMapping,
    document: str,
    chosen: Listed,
    version_id: str | None = None,
) -> tuple[str, list[Path]]:
    """Scaffold the chosen version into the archive; returns its key and the files created."""
    if chosen.in_archive and chosen.archived is not None:
        raise AlreadyArchived(
            f"{chosen.version.short} is already {chosen.archived.describe()}; nothing was written"
        )
    data = repo.text(chosen.version)
    text = decode(data, f"{chosen.version.path} at {chosen.version.short}")
    vid, origin = origin_of(chosen, repo, archive, mapping, document, text, version_id)
    folder = archive.root / document / vid
    if folder.exists():
        raise AlreadyArchived(
            f"{folder} already exists with another text; nothing was written. If Open Terms "
            "Archive saw the text change without a new dateline, import it under its "
            f"observation date: --version {chosen.version.observed}"
        )
    ref = f"{document}@{vid}"
    try:
        created = scaffold_text(ref, data, chosen.version.path, archive.root, origin)
    except ScaffoldError as exc:
        if "already exists" in str(exc):
            raise AlreadyArchived(str(exc)) from None
        raise OtaError(str(exc)) from None
    return ref, created
