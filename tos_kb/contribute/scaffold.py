"""Scaffold a version folder (``tos-kb new``) a version folder for a lawyer to fill in.

Why: a contributor should start from a record that already has the right
path, the text's hash and every core action listed, so that validation
then only asks for judgement, not bookkeeping. Nothing existing is ever
overwritten.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tos_kb.errors import TosKbError
from tos_kb.records.dates import VERSION_ID_HELP, VERSION_ID_RE
from tos_kb.records.loader import RECORD_FILE, TEXT_FILE, load_archive
from tos_kb.records.models import DOCUMENT_ID_PATTERN

_TEMPLATE = """\
# yaml-language-server: $schema=../../../../schema/record.schema.json
document: {document}
version: {version}
title: {title}
effective: {effective}
effective_basis: {effective_basis}
# published: YYYY-MM-DD
{in_force_on}retrieved: {retrieved}
source_url: {source_url}
obtained_from: {obtained_from}
coverage: full
sha256: {sha256}
{notes}rules:
{rules}"""

_PROVIDER = """\
# yaml-language-server: $schema=../../schema/provider.schema.json
id: {provider}
name: TODO the organisation's name
"""

_DOCUMENT = """\
# yaml-language-server: $schema=../../../schema/document.schema.json
id: {document}
title: TODO the document's usual title
kind: TODO one of terms-of-service, business-terms, usage-policy, model-licence, licensing-evidence
# canonical_url: where the provider publishes it
# succeeds: provider/document it replaces for the next generation, if any
"""

_RULE = """\
  - action: {action}
    verdict: silent
    note: TODO read the text; replace with permitted/prohibited/conditional and a verbatim quote,
      or say why the text does not address it
"""


class ScaffoldError(TosKbError):
    """A reference or text that cannot be scaffolded; nothing was written."""


@dataclass(frozen=True)
class Origin:
    """What is already known of a text's provenance (an import knows it); None leaves a TODO."""

    title: str | None = None
    effective: str | None = None
    effective_basis: str | None = None
    in_force_on: list[date] = field(default_factory=list)
    retrieved: date | None = None
    source_url: str | None = None
    obtained_from: str | None = None
    notes: str | None = None


def _scalar(value: str) -> str:
    """A YAML scalar for any text (a double-quoted string, JSON being valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def scaffold(ref: str, text_path: Path, root: Path, origin: Origin | None = None) -> list[Path]:
    """Create REF's folder (text and record) and, for a new provider or document, their files.

    Returns the files created, in order. Raises :class:`ScaffoldError` and
    writes nothing when REF is malformed, the text is not UTF-8, or the
    version already exists.
    """
    return scaffold_text(ref, text_path.read_bytes(), str(text_path), root, origin)


def scaffold_text(
    ref: str, data: bytes, name: str, root: Path, origin: Origin | None = None
) -> list[Path]:
    """:func:`scaffold` for a text given as bytes (``name`` says where it came from)."""
    origin = origin or Origin()
    if "@" not in ref:
        raise ScaffoldError(
            "REF must be provider/document@version, e.g. meta/llama-2-license@2023-07-18"
        )
    document, version = ref.split("@", 1)
    if not re.fullmatch(DOCUMENT_ID_PATTERN, document):
        raise ScaffoldError(f"{document!r} is not a document id (provider/document, lowercase)")
    if not VERSION_ID_RE.fullmatch(version):
        raise ScaffoldError(f"{version!r} is not a version id ({VERSION_ID_HELP})")
    folder = root / document / version
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; nothing was changed.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScaffoldError(f"{name} is not UTF-8 text") from None
    archive = load_archive(root)
    core = [
        a.id for a in archive.actions.values() if a.core and not a.deprecated and a.parent is None
    ]
    folder.mkdir(parents=True)
    (folder / TEXT_FILE).write_bytes(data)
    effective = origin.effective or ("unknown" if version.startswith("undated") else version)
    in_force = "".join(f"  - {day.isoformat()}\n" for day in origin.in_force_on)

    def known(value: str | None, todo: str) -> str:
        return _scalar(value) if value else f"TODO {todo}"

    (folder / RECORD_FILE).write_text(
        _TEMPLATE.format(
            document=document,
            version=version,
            title=known(origin.title, "title as the text gives it"),
            effective=effective,
            effective_basis=known(
                origin.effective_basis,
                "how the effective date is known (stated in the text? announced?)",
            ),
            in_force_on=f"in_force_on:\n{in_force}" if in_force else "",
            retrieved=origin.retrieved or date.today(),
            source_url=known(origin.source_url, "where the provider publishes it"),
            obtained_from=known(origin.obtained_from, "where this copy of the text came from"),
            notes=f"notes: {_scalar(origin.notes)}\n" if origin.notes else "",
            sha256=hashlib.sha256(data).hexdigest(),
            rules="".join(_RULE.format(action=a) for a in core),
        ),
        encoding="utf-8",
    )
    created = [folder / TEXT_FILE, folder / RECORD_FILE]
    provider_id, document_slug = document.split("/")
    for path, template in (
        (root / provider_id / "provider.yaml", _PROVIDER.format(provider=provider_id)),
        (
            root / document / "document.yaml",
            _DOCUMENT.format(document=document, slug=document_slug),
        ),
    ):
        if not path.exists():
            path.write_text(template, encoding="utf-8")
            created.append(path)
    return created
