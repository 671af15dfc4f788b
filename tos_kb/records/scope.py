"""Validating the files a change touches without reading the rest of the archive.

Why: pre-commit and ``tos-kb validate FILE ...`` ask about a few files; at
archive scale (hundreds of thousands of versions) reading and checking every
record to report on one takes minutes. A problem in a file depends on its own
folder and on a few things it names: the vocabulary, its document and that
document's other versions, its provider, the OTA mapping, the subjects its
conditions name (or, for a subject, the subjects whose names could clash and
the documents it cites). So the check runs in two narrow passes:

1. only those, with subjects picked by the words they must contain. Anything
   left out can only add problems (an unknown subject, document or provider),
   never hide one, so an empty result is the full validation's answer;
2. when the first pass finds problems, again with every subject, provider and
   document file (not the other versions), so each message and hint, which
   may name the closest known id, is the one a full validation gives.

Files outside a provider's documents or ``subjects/`` (the vocabulary, the
OTA mapping, anything else) change what every record means: ``None`` asks
the caller for a full validation.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tos_kb.errors import ArchiveFileError
from tos_kb.records import files
from tos_kb.records.loader import (
    _FILE_HINT,
    PROVIDER_FILE,
    RECORD_FILE,
    SUBJECTS_DIR,
    Archive,
    is_provider_folder,
    load_document,
    load_document_file,
    load_ota_mapping,
    load_provider_file,
    load_subject,
    load_vocabulary,
    provider_folders,
)
from tos_kb.records.problems import Problem
from tos_kb.records.validate import check_structure, check_texts


@dataclass
class Scope:
    """What the given files belong to: document folders, subject files and provider folders."""

    documents: set[str] = field(default_factory=set)  # provider/document
    subjects: set[str] = field(default_factory=set)  # subject ids (file stems)
    providers: set[str] = field(default_factory=set)  # provider.yaml touched


def scope_of(root: Path, paths: list[Path]) -> Scope | None:
    """The scope of ``paths`` (inside ``root``), or None when only a full validation will do."""
    scope = Scope()
    base = root.resolve()
    for path in paths:
        try:
            parts = path.resolve().relative_to(base).parts
        except ValueError:
            return None
        if len(parts) == 2 and parts[0] == SUBJECTS_DIR and parts[1].endswith(".yaml"):
            scope.subjects.add(parts[1].removesuffix(".yaml"))
        elif len(parts) == 2 and parts[1] == PROVIDER_FILE and is_provider_folder(parts[0]):
            scope.providers.add(parts[0])
        elif len(parts) >= 3 and is_provider_folder(parts[0]):
            if _linked(root, parts[:3]):
                return None  # a link on the way: the full scan reports it
            scope.documents.add(f"{parts[0]}/{parts[1]}")
        else:
            return None  # the vocabulary, the OTA mapping, a README...: it concerns everything
    return scope


def _linked(root: Path, parts: tuple[str, ...]) -> bool:
    """Whether a folder on the way from ``root`` down ``parts`` is a symbolic link."""
    return any((root.joinpath(*parts[: i + 1])).is_symlink() for i in range(len(parts)))


def check_scope(root: Path, scope: Scope, wide: bool, texts: bool = True) -> Archive:
    """Load what the scope needs and run the checks; ``wide`` adds every subject and document."""
    archive = Archive(root=root)
    for folder in _scanned(root, scope):
        for path, why in files.scan(folder):
            archive.special.add(path)
            archive.add(path, why, code="file", hint=_FILE_HINT)
    load_vocabulary(archive)
    load_ota_mapping(archive)
    for folder in provider_folders(root):
        load_provider_file(archive, folder)
    for doc_id in sorted(scope.documents):
        load_document(archive, root / doc_id)
    # a first reading of the touched subjects, for the names and documents they cite
    listing = files.files(root / SUBJECTS_DIR, ".yaml") if scope.subjects or wide else []
    touched = Archive(root=root)
    for path in listing:
        if path.stem in scope.subjects:
            load_subject(touched, path)
    cited = _cited_documents(archive, touched, scope) - set(archive.versions)
    for doc_id in sorted(cited):
        provider = doc_id.split("/", 1)[0]
        if is_provider_folder(provider) and root / doc_id in files.folders(root / provider):
            load_document(archive, root / doc_id)
    if wide:
        chosen = listing
        for folder in _document_folders(root):
            if f"{folder.parent.name}/{folder.name}" not in archive.versions:
                load_document_file(archive, folder)
    else:
        needles = _needles(archive, touched, scope)
        if needles and not listing:
            listing = files.files(root / SUBJECTS_DIR, ".yaml")
        chosen = [p for p in listing if p.stem in scope.subjects or _mentions(p, root, needles)]
    for path in chosen:  # in the full validation's order: the first to claim a name owns it
        load_subject(archive, path)
    check_structure(archive)
    if texts:
        check_texts(archive)
    return archive


def _document_folders(root: Path) -> Iterator[Path]:
    for provider in provider_folders(root):
        yield from files.folders(provider)


def _scanned(root: Path, scope: Scope) -> Iterator[Path]:
    """The folders whose odd entries (links, FIFOs...) may be problems of the scope's files."""
    if scope.subjects:
        yield root / SUBJECTS_DIR
    yield from (root / doc_id for doc_id in sorted(scope.documents))


def _cited_documents(archive: Archive, touched: Archive, scope: Scope) -> set[str]:
    """The documents the touched subjects and documents name (whose versions they need)."""
    cited: set[str] = set()
    for subject_id in scope.subjects:
        subject = touched.subjects.get(subject_id)
        for gov in subject.governed_by if subject else []:
            cited.add(gov.document)
            cited.update(ev.document for ev in gov.evidence)
    for doc_id in scope.documents:
        document = archive.documents.get(doc_id)
        if document is not None and document.succeeds:
            cited.add(document.succeeds)
    return {d for d in cited if d.count("/") == 1 and ".." not in d}


def _needles(archive: Archive, touched: Archive, scope: Scope) -> set[str]:
    """Words a subject file must contain to matter to the scope: names it could be known by."""
    needles: set[str] = set()
    for subject_id in scope.subjects:
        needles.add(subject_id)
        subject = touched.subjects.get(subject_id)
        if subject is not None:
            needles.update(subject.aliases)
    for provider in scope.providers:
        found = archive.providers.get(provider)
        if found is not None and found.main_subject:
            needles.add(found.main_subject)
    for doc_id in scope.documents:
        for entry in archive.versions.get(doc_id, []):
            for pre in entry.record.preconditions:
                needles.update(_strings(pre.unless))
            for rule in entry.record.rules:
                needles.update(_strings(rule.when))
    return {n for n in needles if n}


def _strings(raw: Any) -> Iterator[str]:
    """Every string value in a condition's raw form (over-broad: a subject is one of them)."""
    if isinstance(raw, str):
        yield raw
    elif isinstance(raw, dict):
        for value in raw.values():
            yield from _strings(value)
    elif isinstance(raw, list):
        for value in raw:
            yield from _strings(value)


def _mentions(path: Path, root: Path, needles: set[str]) -> bool:
    """Whether a subject file may name one of ``needles``: it holds the word, or an escape.

    Ids and aliases are slugs, so YAML can only spell one without its letters
    through a backslash escape in a double-quoted string: such a file is read.
    """
    if not needles:
        return False
    try:
        raw = files.read_bytes(path, root).decode("utf-8")
    except (OSError, UnicodeDecodeError, ArchiveFileError):
        return True  # reading it properly will report why
    return "\\" in raw or any(needle in raw for needle in needles)


def validate_files(root: Path, paths: list[Path], texts: bool = True) -> Archive | None:
    """The archive as far as ``paths`` need it, its problems narrowed to those files.

    None when the files concern the whole archive (see :func:`scope_of`).
    """
    scope = scope_of(root, paths)
    if scope is None:
        return None
    archive = check_scope(root, scope, wide=False, texts=texts)
    archive.problems = concerning(archive.problems, paths, root)
    if archive.problems:
        archive = check_scope(root, scope, wide=True, texts=texts)
        archive.problems = concerning(archive.problems, paths, root)
    return archive


def concerning(problems: list[Problem], paths: list[Path], root: Path) -> list[Problem]:
    """The problems in one of ``paths``, or in the record.yaml of a version folder of one."""
    wanted = set()
    for path in paths:
        resolved = path.resolve()
        wanted.update({resolved, resolved.parent / RECORD_FILE})
    return [p for p in problems if (root.parent / p.file).resolve() in wanted]
