"""The first compile of a large archive, one document at a time.

Why: compiling reads every record; holding every parsed record (with its
YAML positions) at once takes gigabytes at archive scale. Each document's
checks and compiled versions need only the shared files (vocabulary,
subjects, providers, document files, the OTA mapping) and its own versions,
so each document is read, checked, compiled, shelved as a packed shard and
let go before the next. An archive with problems is compiled the ordinary
way, so the error lists them exactly as it always does.
"""

from __future__ import annotations

from pathlib import Path

from tos_kb.answer.index import Index
from tos_kb.records.pool import document_folders, each_document, shared_archive
from tos_kb.records.validate import check_document_structure, check_structure

STREAM_FROM = 200  # documents: below this the archive is small and kept for later use


def compile_streamed(root: Path, documents: list[Path] | None = None) -> Index | None:
    """The index of the archive at ``root``, built document by document; None on any problem."""
    folders = document_folders(root) if documents is None else documents
    shared = shared_archive(root, folders)
    check_structure(shared)  # no versions yet: the checks that span the archive
    if shared.problems:
        return None
    index = Index(shared)
    ids = {doc_id: doc_id for doc_id in shared.documents}  # one string per id, as when whole
    for own in each_document(shared, folders):
        check_document_structure(own)
        if own.problems:
            return None
        for doc_id, entries in own.versions.items():
            doc_id = ids.get(doc_id, doc_id)
            index.add_document(doc_id, entries, shared.documents.get(doc_id), pack=True)
    return index
