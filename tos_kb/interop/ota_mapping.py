"""Our documents in Open Terms Archive's names (terms/ota-mapping.yaml), for one repository.

Why: the same file can hold different documents in different collections
(Mistral's "Le Chat/Commercial Terms"), and a document can move between
files when OTA renames a service ("xAI" became "Grok"). Every lookup goes
through :func:`files_for`, so import and watch agree on which files record a
document.
"""

from __future__ import annotations

from pathlib import Path

from tos_kb.interop.ota_repo import OtaError, OtaRepo
from tos_kb.records.loader import OTA_MAPPING_FILE, Archive, load_archive
from tos_kb.records.models import OtaMapping, OtaReview
from tos_kb.records.problems import did_you_mean


def load_mapped_archive(root: Path) -> tuple[Archive, OtaMapping]:
    """The archive and its mapping; :class:`OtaError` when the mapping is missing or invalid."""
    archive = load_archive(root)
    if archive.ota_mapping is None:
        if (root / OTA_MAPPING_FILE).exists():
            raise OtaError(f"{root / OTA_MAPPING_FILE} is not valid; run: tos-kb validate")
        raise OtaError(f"{root} has no {OTA_MAPPING_FILE}; nothing is mapped")
    return archive, archive.ota_mapping


def mapped_documents(mapping: OtaMapping) -> list[str]:
    """Every mapped document id, in the mapping's order."""
    return [d.document for d in mapping.documents]


def files_for(mapping: OtaMapping, document: str, repo: OtaRepo) -> list[str]:
    """The files of ``repo``'s collection that record ``document`` (maybe none)."""
    for doc in mapping.documents:
        if doc.document == document:
            return [
                s.path
                for s in doc.sources
                if s.collections is None or repo.collection in s.collections
            ]
    hint = did_you_mean(document, mapped_documents(mapping))
    raise OtaError(
        f"{document} is not mapped to Open Terms Archive in {OTA_MAPPING_FILE}"
        + (f"; {hint}" if hint else "")
    )


def reviews_of(mapping: OtaMapping, document: str) -> dict[str, OtaReview]:
    """The changes of ``document`` already read and judged, by full or short commit."""
    return {r.commit: r for r in mapping.reviewed if r.document == document}


def repository_of(mapping: OtaMapping, repo: OtaRepo) -> str | None:
    """The public owner/name of ``repo``'s collection, as the mapping declares it."""
    for collection in mapping.collections:
        if collection.name == repo.collection:
            return collection.repository
    return None
