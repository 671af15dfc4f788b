"""Checks of terms/ota-mapping.yaml against the archive it maps.

Why: the mapping is what ``tos-kb import-ota`` and ``tos-kb watch`` read to
find a document in Open Terms Archive. A document id that does not exist, a
collection named but not declared, or an archived version copied from an
Open Terms Archive file the mapping does not list would make ``watch`` miss
changes silently; ``validate`` reports each one where it stands.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from tos_kb.records.loader import OTA_MAPPING_FILE, RECORD_FILE, Archive, VersionEntry
from tos_kb.records.problems import did_you_mean

# How records cite an Open Terms Archive capture in obtained_from:
# 'OpenTermsArchive/GenAI-versions, path "ChatGPT/Terms of Service.md", commit ...'
_CITED = re.compile(r"OpenTermsArchive/([A-Za-z0-9_.-]+)\W[^\"]*\"([^\"/]+/[^\"]+)\.md\"")
_COMMIT = re.compile(r"\bcommit\s+([0-9a-f]{7,40})\b")


def ota_citation(entry: VersionEntry) -> tuple[str, str, str | None] | None:
    """(repository, "Service/Terms type", commit) of the OTA capture a version was copied from."""
    found = _CITED.search(entry.record.obtained_from)
    if found is None:
        return None
    commit = _COMMIT.search(entry.record.obtained_from, found.end())
    return (
        f"OpenTermsArchive/{found.group(1)}",
        found.group(2),
        commit.group(1) if commit else None,
    )


def check_ota_mapping(archive: Archive) -> None:
    """Report problems of the mapping file (nothing when the archive has none)."""
    mapping = archive.ota_mapping
    if mapping is None or "ota-mapping" not in archive.sources:
        return
    path, located = archive.sources["ota-mapping"]
    names = [c.name for c in mapping.collections]
    seen: dict[str, int] = {}
    for i, doc in enumerate(mapping.documents):
        if doc.document not in archive.documents:
            archive.add(
                path,
                f"unknown document '{doc.document}'",
                located,
                ("documents", i, "document"),
                code="reference",
                hint=did_you_mean(doc.document, archive.documents),
            )
        if doc.document in seen:
            archive.add(
                path,
                f"'{doc.document}' is mapped twice (also at documents[{seen[doc.document]}])",
                located,
                ("documents", i, "document"),
                hint="list all its files under one entry's sources",
            )
        seen.setdefault(doc.document, i)
        for j, source in enumerate(doc.sources):
            for k, name in enumerate(source.collections or []):
                if name not in names:
                    archive.add(
                        path,
                        f"unknown collection '{name}'",
                        located,
                        ("documents", i, "sources", j, "collections", k),
                        allowed=", ".join(names),
                        hint=did_you_mean(name, names),
                    )
    for i, review in enumerate(mapping.reviewed):
        if review.document not in seen:
            archive.add(
                path,
                f"'{review.document}' is not mapped, so no change of it can be reviewed",
                located,
                ("reviewed", i, "document"),
                hint=did_you_mean(review.document, seen),
            )
    check_cited_files(archive)


def check_cited_files(archive: Archive) -> None:
    """Every version copied from an Open Terms Archive file is mapped to that file."""
    mapping = archive.ota_mapping
    if mapping is None or "ota-mapping" not in archive.sources:
        return
    repositories = {c.repository: c.name for c in mapping.collections}
    files = {d.document: d.sources for d in mapping.documents}
    for entry, repository, file, _ in _cited(archive):
        where = entry.folder / RECORD_FILE
        if repository not in repositories:
            archive.add(
                where,
                f"copied from {repository}, a collection {OTA_MAPPING_FILE} does not declare",
                entry.source,
                ("obtained_from",),
                hint=f"add it under collections: in {OTA_MAPPING_FILE}",
            )
            continue
        collection = repositories[repository]
        mapped = [
            s.path
            for s in files.get(entry.record.document, [])
            if s.collections is None or collection in s.collections
        ]
        if f"{file}.md" not in mapped:
            archive.add(
                where,
                f'copied from the Open Terms Archive file "{file}.md" ({collection}), which '
                f"{OTA_MAPPING_FILE} does not map to {entry.record.document}",
                entry.source,
                ("obtained_from",),
                found=", ".join(mapped) or "no file mapped",
                hint=f"add the file to the document's sources in {OTA_MAPPING_FILE}",
                code="reference",
            )


def _cited(archive: Archive) -> Iterator[tuple[VersionEntry, str, str, str | None]]:
    for entries in archive.versions.values():
        for entry in entries:
            cited = ota_citation(entry)
            if cited is not None:
                yield entry, *cited
