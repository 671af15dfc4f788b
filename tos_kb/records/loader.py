"""Reading ``terms/`` into typed records, collecting every problem on the way.

Why separate from validation: loading must be fast (it runs on every
``tos_kb.load()``), so it parses YAML and checks the format only. The slower
checks that read the archived texts (hashes, quotes) live in ``validate``.
Problems are collected, never raised one by one, so a contributor sees them
all at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from tos_kb.errors import ArchiveFileError
from tos_kb.records import files, models
from tos_kb.records.conditions import ConditionError
from tos_kb.records.problems import Problem, did_you_mean, relative
from tos_kb.records.yamlsafe import Located, YamlError, read_yaml

M = TypeVar("M", bound=BaseModel)

RECORD_FILE = "record.yaml"
TEXT_FILE = "text.txt"
DOCUMENT_FILE = "document.yaml"
PROVIDER_FILE = "provider.yaml"
OTA_MAPPING_FILE = "ota-mapping.yaml"
VOCABULARY_DIR = "vocabulary"
SUBJECTS_DIR = "subjects"
RESERVED_DIRS = {VOCABULARY_DIR, SUBJECTS_DIR}

_ALL_FIELDS = sorted(
    {
        name_or_alias
        for model in vars(models).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name, info in model.model_fields.items()
        for name_or_alias in (info.alias or name,)
    }
)


@dataclass
class VersionEntry:
    """A version record with where it came from; its texts are read only on demand."""

    record: models.VersionRecord
    folder: Path
    source: Located
    root: Path | None = None  # the archive's root: no link below it is followed

    @property
    def key(self) -> str:
        """The version's identity, ``provider/document@version``."""
        return f"{self.record.document}@{self.record.version}"

    def text_path(self, name: str | None = None) -> Path:
        """Path of text.txt or of another text of this version."""
        return self.folder / (name or TEXT_FILE)

    def read_text(self, name: str | None = None) -> str:
        """The verbatim text (UTF-8), read from disk each time it is asked for.

        A link, a FIFO, a device or a file over the size limit raises
        :class:`~tos_kb.errors.ArchiveFileError` (see :mod:`tos_kb.records.files`).
        """
        return files.read_text(self.text_path(name), self.root)

    def read_bytes(self, name: str | None = None) -> bytes:
        """The verbatim text's bytes, read as :meth:`read_text` reads them."""
        return files.read_bytes(self.text_path(name), self.root)


@dataclass
class Archive:
    """Everything in ``terms/``, parsed, plus the problems met while reading it."""

    root: Path
    actions: dict[str, models.ActionDef] = field(default_factory=dict)
    facts: dict[str, models.FactDef] = field(default_factory=dict)
    kinds: dict[str, models.DocumentKind] = field(default_factory=dict)
    providers: dict[str, models.Provider] = field(default_factory=dict)
    documents: dict[str, models.Document] = field(default_factory=dict)
    versions: dict[str, list[VersionEntry]] = field(default_factory=dict)
    subjects: dict[str, models.Subject] = field(default_factory=dict)
    ota_mapping: models.OtaMapping | None = None
    sources: dict[str, tuple[Path, Located]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # records the schema rejected, kept raw so the other checks still run on them
    rejected: list[tuple[Path, Located]] = field(default_factory=list)
    # entries that are not regular files (links, FIFOs...), reported once by the scan
    special: set[Path] = field(default_factory=set)

    def entry(self, key: str) -> VersionEntry:
        """A version by ``provider/document@version``; ``KeyError`` when it is not archived."""
        document = key.split("@", 1)[0]
        for entry in self.versions.get(document, []):
            if entry.key == key:
                return entry
        raise KeyError(key)

    def where(self, path: Path) -> str:
        """A path as shown in messages."""
        return relative(path, self.root)

    def add(
        self,
        path: Path,
        message: str,
        located: Located | None = None,
        loc: tuple[str | int, ...] = (),
        **extra: Any,
    ) -> None:
        """Record a problem at ``loc`` inside the file ``path``."""
        line, column = located.position(loc) if located else (None, None)
        self.problems.append(
            Problem(
                file=self.where(path),
                message=message,
                line=line,
                column=column,
                field=_dotted(loc) or None,
                **extra,
            )
        )


def _untagged(data: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """``loc`` as a path in the data: without the tags pydantic inserts for tagged unions."""
    path: list[str | int] = []
    current = data
    tagged: object = None
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if isinstance(current, dict):
            if current.get("kind") == part and not last and tagged is not current:
                tagged = current
                continue  # the tag of a member chosen by its `kind`
            if part not in current:
                if last:
                    path.append(part)  # a missing field
                continue  # the tag of a member chosen by the value's shape
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
        else:
            break  # a scalar: what follows are tags
        path.append(part)
    return tuple(path)


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _show(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


PLACEHOLDER = "TODO"
_FILE_HINT = "replace it with a regular file holding the content, or remove it"


def _placeholders(archive: Archive, path: Path, located: Located) -> None:
    """Report values still reading TODO (left by ``tos-kb new``) where they stand."""
    for loc in _placeholder_paths(located.data, (), []):
        archive.add(
            path,
            "a placeholder from tos-kb new is still here",
            located,
            loc,
            found=_show(_at(located.data, loc)),
            code="placeholder",
            hint="replace it with the real value (see CONTRIBUTING.md)",
        )


def _placeholder_paths(
    value: Any, loc: tuple[str | int, ...], found: list[tuple[str | int, ...]]
) -> list[tuple[str | int, ...]]:
    """Where the texts starting with TODO stand, in document order (one walk of the data)."""
    if isinstance(value, str):
        if value.lstrip().startswith(PLACEHOLDER):
            found.append(loc)
        return found
    if isinstance(value, dict):
        items: Iterable[tuple[str | int, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return found
    for part, item in items:
        if isinstance(item, str):  # most values: no call for them
            if item.lstrip().startswith(PLACEHOLDER):
                found.append((*loc, part))
        elif isinstance(item, dict | list):
            _placeholder_paths(item, (*loc, part), found)
    return found


def _at(data: Any, loc: tuple[str | int, ...]) -> Any:
    for part in loc:
        data = data[part]
    return data


def _read(archive: Archive, path: Path) -> Located | None:
    try:
        located = read_yaml(path, archive.root)
    except ArchiveFileError as exc:
        if path not in archive.special:
            archive.add(path, str(exc), code="file")
        return None
    except YamlError as exc:
        archive.problems.append(
            Problem(
                file=archive.where(path),
                message=exc.message,
                line=exc.line,
                column=exc.column,
                code="yaml",
            )
        )
        return None
    except OSError as exc:
        archive.problems.append(
            Problem(file=archive.where(path), message=f"cannot read file: {exc.strerror}")
        )
        return None
    _placeholders(archive, path, located)
    return located


def _validation_problems(
    archive: Archive,
    path: Path,
    located: Located,
    exc: ValidationError,
    base: tuple[str | int, ...] = (),
) -> None:
    archive.problems += validation_problems(archive.where(path), located, exc, base)


def validation_problems(
    file: str,
    located: Located,
    exc: ValidationError,
    base: tuple[str | int, ...] = (),
    fields: list[str] | None = None,
) -> list[Problem]:
    """A pydantic error as problems for a lawyer: each at its line, with what is allowed.

    ``fields`` lists the field names a misspelt one is compared with (default: every
    field of the record models).
    """
    problems = []
    for error in exc.errors(include_url=False):
        loc = _untagged(located.data, (*base, *error["loc"]))
        kind = error["type"]
        cause = error.get("ctx", {}).get("error")
        if isinstance(cause, ConditionError):
            loc = (*loc, *cause.path)
        found = None if kind == "missing" else _show(error.get("input"))
        hint = None
        allowed = None
        message = error["msg"]
        if kind == "extra_forbidden":
            message = f"unknown field '{loc[-1]}'"
            found = None
            hint = did_you_mean(str(loc[-1]), fields if fields is not None else _ALL_FIELDS)
        elif kind == "missing":
            message = f"required field '{loc[-1]}' is missing"
        elif kind in ("literal_error", "enum"):
            allowed = str(error.get("ctx", {}).get("expected", ""))
            hint = did_you_mean(
                str(error.get("input")),
                [a.strip(" '") for a in allowed.replace(" or ", ",").split(",")],
            )
        elif kind == "union_tag_invalid":
            message = "unknown kind"
            found = _show(error.get("ctx", {}).get("tag"))
            allowed = str(error.get("ctx", {}).get("expected_tags", ""))
            hint = did_you_mean(
                str(error.get("ctx", {}).get("tag")),
                [a.strip(" '") for a in allowed.split(",")],
            )
            loc = (*loc, "kind")
        elif kind == "union_tag_not_found":
            message = "required field 'kind' is missing"
            found = None
            loc = (*loc, "kind")
        elif kind == "string_pattern_mismatch":
            message = "the value does not have the expected form"
            allowed = _PATTERN_HELP.get(str(error.get("ctx", {}).get("pattern")))
        elif message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        elif kind == "string_type" and isinstance(error.get("input"), int | float):
            hint = f'write it in quotes: {loc[-1]}: "{error.get("input")}"'
            message = "YAML read this as a number; it must be text"
        line, column = located.position(loc)
        problems.append(
            Problem(
                file=file,
                message=message,
                line=line,
                column=column,
                field=_dotted(loc) or None,
                found=found,
                allowed=allowed,
                hint=hint,
                code="schema",
            )
        )
    return problems


_PATTERN_HELP = {
    models.SLUG_PATTERN: "a lowercase id: letters, digits, '-' and '.', e.g. llama-3.1",
    models.DOCUMENT_ID_PATTERN: "provider/document, lowercase, e.g. meta/llama-2-license",
    models.SHA256_PATTERN: "64 lowercase hex digits (sha256sum of the text file)",
    models.FILE_PATTERN: "a lowercase file name ending in .txt or .md, e.g. text.txt",
}


def _model(
    archive: Archive,
    cls: type[M],
    path: Path,
    located: Located,
    data: Any,
    base: tuple[str | int, ...] = (),
) -> M | None:
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        _validation_problems(archive, path, located, exc, base)
        return None


def _read_list(archive: Archive, cls: type[M], path: Path) -> list[M]:
    located = _read(archive, path)
    if located is None:
        return []
    if not isinstance(located.data, list):
        archive.add(path, "expected a list of entries (lines starting with '- ')", located)
        return []
    items = [_model(archive, cls, path, located, item, (i,)) for i, item in enumerate(located.data)]
    return [item for item in items if item is not None]


def _read_one(archive: Archive, cls: type[M], path: Path) -> tuple[M | None, Located | None]:
    located = _read(archive, path)
    if located is None:
        return None, None
    if not isinstance(located.data, dict):
        archive.add(path, "expected a mapping of fields (key: value lines)", located)
        return None, located
    return _model(archive, cls, path, located, located.data), located


def _index(archive: Archive, items: list[M], path: Path, what: str) -> dict[str, M]:
    out: dict[str, M] = {}
    for item in items:
        key = item.id  # type: ignore[attr-defined]
        if key in out:
            archive.add(path, f"{what} '{key}' is defined twice")
        out[key] = item
    return out


def load_archive(root: Path | str) -> Archive:
    """Read the whole knowledge base under ``root``; problems are collected, not raised."""
    root = Path(root)
    archive = Archive(root=root)
    if not root.is_dir():
        archive.problems.append(
            Problem(
                file=str(root), message="no such folder", hint="pass the path of a terms/ folder"
            )
        )
        return archive
    load_shared(archive)
    for provider_dir in provider_folders(root):
        _load_provider(archive, provider_dir)
    return archive


def load_shared(archive: Archive) -> None:
    """What every reading of the archive needs before its providers: files that cannot be
    read as records, the vocabulary, the subjects and the OTA mapping."""
    for path, why in files.scan(archive.root):
        archive.special.add(path)
        archive.add(path, why, code="file", hint=_FILE_HINT)
    load_vocabulary(archive)
    for path in files.files(archive.root / SUBJECTS_DIR, ".yaml"):
        load_subject(archive, path)
    load_ota_mapping(archive)


def is_provider_folder(name: str) -> bool:
    """Whether a folder at the top of the archive holds a provider (not the vocabulary,
    the subjects, or a hidden folder)."""
    return name not in RESERVED_DIRS and not name.startswith(".")


def provider_folders(root: Path) -> list[Path]:
    """The provider folders of the archive, in the order it is read."""
    return [folder for folder in files.folders(root) if is_provider_folder(folder.name)]


def load_vocabulary(archive: Archive) -> None:
    """Read the three vocabulary files (every check needs them)."""
    vocab = archive.root / VOCABULARY_DIR
    archive.actions = _index(
        archive,
        _read_list(archive, models.ActionDef, vocab / "actions.yaml"),
        vocab / "actions.yaml",
        "action",
    )
    archive.facts = _index(
        archive,
        _read_list(archive, models.FactDef, vocab / "facts.yaml"),
        vocab / "facts.yaml",
        "fact",
    )
    archive.kinds = _index(
        archive,
        _read_list(archive, models.DocumentKind, vocab / "document-kinds.yaml"),
        vocab / "document-kinds.yaml",
        "document kind",
    )


def load_subject(archive: Archive, path: Path) -> None:
    """Read one subject file into the archive."""
    subject, located = _read_one(archive, models.Subject, path)
    if subject is None or located is None:
        return
    if subject.id != path.stem:
        archive.add(
            path,
            "the subject id must match the file name",
            located,
            ("id",),
            found=subject.id,
            allowed=path.stem,
        )
    if subject.id in archive.subjects:
        archive.add(path, f"subject '{subject.id}' is defined twice", located, ("id",))
    archive.subjects[subject.id] = subject
    archive.sources[f"subject:{subject.id}"] = (path, located)


def load_ota_mapping(archive: Archive) -> None:
    """Read ota-mapping.yaml when the archive has one."""
    mapping_path = archive.root / OTA_MAPPING_FILE
    if files.exists(mapping_path):
        mapping, located = _read_one(archive, models.OtaMapping, mapping_path)
        archive.ota_mapping = mapping
        if located is not None:
            archive.sources["ota-mapping"] = (mapping_path, located)


def _load_provider(archive: Archive, folder: Path) -> None:
    load_provider_file(archive, folder)
    for doc_dir in files.folders(folder):
        load_document(archive, doc_dir)


def load_provider_file(archive: Archive, folder: Path) -> None:
    """Read a provider folder's provider.yaml (not its documents)."""
    path = folder / PROVIDER_FILE
    if not files.exists(path):
        archive.add(path, "missing provider.yaml", hint="every provider folder needs one")
    else:
        provider, located = _read_one(archive, models.Provider, path)
        if provider is not None and located is not None:
            if provider.id != folder.name:
                archive.add(
                    path,
                    "the provider id must match the folder name",
                    located,
                    ("id",),
                    found=provider.id,
                    allowed=folder.name,
                )
            archive.providers[folder.name] = provider


def load_document(archive: Archive, folder: Path) -> None:
    """Read a document folder: document.yaml and every version under it."""
    load_versions(archive, folder, load_document_file(archive, folder))


def load_versions(archive: Archive, folder: Path, doc_id: str) -> None:
    """Read every version of a document folder (not its document.yaml)."""
    entries: list[VersionEntry] = []
    for version_dir in files.folders(folder):
        entry = _load_version(archive, doc_id, version_dir)
        if entry is not None:
            entries.append(entry)
    archive.versions[doc_id] = entries


def load_document_file(archive: Archive, folder: Path) -> str:
    """Read a document folder's document.yaml (not its versions); return the document id."""
    doc_id = f"{folder.parent.name}/{folder.name}"
    path = folder / DOCUMENT_FILE
    if not files.exists(path):
        archive.add(path, "missing document.yaml", hint="every document folder needs one")
    else:
        document, located = _read_one(archive, models.Document, path)
        if document is not None and located is not None:
            if document.id != doc_id:
                archive.add(
                    path,
                    "the document id must match its folders",
                    located,
                    ("id",),
                    found=document.id,
                    allowed=doc_id,
                )
            archive.documents[doc_id] = document
            archive.sources[f"document:{doc_id}"] = (path, located)
    return doc_id


def _load_version(archive: Archive, doc_id: str, folder: Path) -> VersionEntry | None:
    path = folder / RECORD_FILE
    if not files.exists(path):
        archive.add(
            path, "missing record.yaml", hint=f"create it with: tos-kb new {doc_id}@{folder.name}"
        )
        return None
    record, located = _read_one(archive, models.VersionRecord, path)
    if record is None or located is None:
        if located is not None:
            _check_raw_actions(archive, path, located)
            archive.rejected.append((path, located))
        return None
    if record.document != doc_id:
        archive.add(
            path,
            "the record's document must match its folders",
            located,
            ("document",),
            found=record.document,
            allowed=doc_id,
        )
    if record.version != folder.name:
        archive.add(
            path,
            "the record's version must match its folder name",
            located,
            ("version",),
            found=record.version,
            allowed=folder.name,
        )
    entry = VersionEntry(record=record, folder=folder, source=located, root=archive.root)
    archive.sources[f"version:{entry.key}"] = (path, located)
    return entry


def _check_raw_actions(archive: Archive, path: Path, located: Located) -> None:
    """Report unknown action ids even in a record the schema rejected (all problems at once)."""
    data = located.data if isinstance(located.data, dict) else {}
    rules = data.get("rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        action = rule.get("action") if isinstance(rule, dict) else None
        if isinstance(action, str) and archive.actions and action not in archive.actions:
            archive.add(
                path,
                f"unknown action '{action}'",
                located,
                ("rules", i, "action"),
                code="vocabulary",
                allowed=", ".join(archive.actions),
                hint=did_you_mean(action, archive.actions),
            )
