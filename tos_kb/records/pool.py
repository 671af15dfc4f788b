"""The full validation, document by document over a pool of processes.

Why: at archive scale reading and checking every version (YAML, schema,
hashes, quotes) takes minutes on one core, and each document's checks need
only the shared files (vocabulary, subjects, providers, document files, the
OTA mapping) besides its own versions. So this process reads the shared
files and runs the checks that span the archive; workers forked from it each
read and check a batch of documents. Every problem lies in one file, and each
file's problems come from one process in the serial order, so the report,
sorted by file and line, is the serial one. Small archives stay serial: the
pool costs more than it saves there.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from tos_kb.records import files
from tos_kb.records.loader import (
    Archive,
    is_provider_folder,
    load_archive,
    load_document_file,
    load_provider_file,
    load_shared,
    load_versions,
    provider_folders,
)
from tos_kb.records.problems import Problem
from tos_kb.records.validate import (
    check_document_structure,
    check_evidence,
    check_structure,
    check_texts,
    check_version_texts,
)

SERIAL_BELOW = 200  # documents: under this, forking and the shared reading cost more
BATCH = 16  # documents a worker holds at once: their parsed records are its memory


@dataclass
class Validated:
    """What a full validation found: the problems and what it read."""

    archive: Archive  # every shared file; versions only in a serial run
    problems: list[Problem]
    versions: int


def workers(jobs: int | None = None) -> int:
    """How many processes to use: ``jobs``, or every core."""
    return max(1, jobs if jobs else os.cpu_count() or 1)


def validate_archive(root: Path, texts: bool = True, jobs: int | None = None) -> Validated:
    """Every check on the archive at ``root``; ``jobs`` processes (default: one per core)."""
    count = workers(jobs)
    documents = document_folders(root) if root.is_dir() else []
    forked = "fork" in multiprocessing.get_all_start_methods()
    if count == 1 or not forked or (jobs is None and len(documents) < SERIAL_BELOW):
        archive = load_archive(root)
        check_structure(archive)
        if texts:
            check_texts(archive)
        total = sum(len(v) for v in archive.versions.values())
        return Validated(archive, archive.problems, total)
    shared = shared_archive(root, documents)
    check_structure(shared)  # no versions yet: the checks that span the archive
    problems = list(shared.problems)
    global _SHARED, _TEXTS
    _SHARED, _TEXTS = shared, texts
    size = max(1, min(BATCH, len(documents) // (count * 8)))
    batches = [documents[i : i + size] for i in range(0, len(documents), size)]
    total = 0
    try:
        with multiprocessing.get_context("fork").Pool(count) as pool:
            for found, versions in pool.imap(_check_batch, batches):
                problems += found
                total += versions
    finally:
        _SHARED = None
    if texts:
        problems += _evidence(shared)
    return Validated(shared, problems, total)


_SHARED: Archive | None = None  # what the workers inherit when forked
_TEXTS = True


def document_folders(root: Path) -> list[Path]:
    """Every document folder of the archive, in the order :func:`load_archive` reads them."""
    return [folder for provider in provider_folders(root) for folder in files.folders(provider)]


def shared_archive(root: Path, documents: list[Path]) -> Archive:
    """Everything but the versions, read as :func:`load_archive` reads it."""
    archive = Archive(root=root)
    load_shared(archive)
    for provider in provider_folders(root):
        load_provider_file(archive, provider)
    for folder in documents:
        load_document_file(archive, folder)
    return archive


def _own(shared: Archive) -> Archive:
    """An archive sharing the read files, with versions and problems of its own."""
    return replace(shared, versions={}, problems=[], rejected=[])


def _release(own: Archive) -> None:
    """Forget the versions of ``own`` where the shared archive remembers them (their sources)."""
    for entries in own.versions.values():
        for entry in entries:
            own.sources.pop(f"version:{entry.key}", None)


def each_document(shared: Archive, documents: list[Path]) -> Iterator[Archive]:
    """Each document's versions read into an archive of their own, let go after use."""
    for folder in documents:
        own = _own(shared)
        load_versions(own, folder, f"{folder.parent.name}/{folder.name}")
        yield own
        _release(own)


def _check_batch(documents: list[Path]) -> tuple[list[Problem], int]:
    """In a worker: read and check some documents' versions."""
    assert _SHARED is not None
    archive = _own(_SHARED)
    for folder in documents:
        load_versions(archive, folder, f"{folder.parent.name}/{folder.name}")
    check_document_structure(archive)
    if _TEXTS:
        check_version_texts(archive)
    _release(archive)
    return archive.problems, sum(len(v) for v in archive.versions.values())


def _evidence(shared: Archive) -> list[Problem]:
    """The subjects' evidence checks, with the versions they cite read here."""
    archive = _own(shared)
    cited = {
        ev.document for s in shared.subjects.values() for g in s.governed_by for ev in g.evidence
    }
    for doc_id in sorted(cited):
        folder = shared.root / doc_id
        if folder in _document_folders_of(shared.root, doc_id):
            load_versions(archive, folder, doc_id)
    archive.problems = []  # the workers reported these versions' own problems
    check_evidence(archive)
    return archive.problems


def _document_folders_of(root: Path, doc_id: str) -> list[Path]:
    provider = doc_id.split("/", 1)[0]
    if not is_provider_folder(provider) or "/" not in doc_id:
        return []
    return files.folders(root / provider)
