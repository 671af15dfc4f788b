"""The contributor field reference in CONTRIBUTING.md, generated from the record models.

Why generated: lawyers read CONTRIBUTING.md, editors read ``schema/``, the
loader reads the models. All three come from :mod:`tos_kb.records.models`, so
a field cannot be documented one way and checked another. ``tos-kb schema``
rewrites the section between the markers; a test fails when it is stale.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from tos_kb.records import models

START = "<!-- field-reference:start (generated from the record models by `tos-kb schema`) -->"
END = "<!-- field-reference:end -->"
_SECTION = re.compile(r"<!-- field-reference:start.*?" + re.escape(END), re.S)

# (heading, where the file lives, model), in the order a contributor meets them.
FILES: list[tuple[str, str, type[BaseModel]]] = [
    ("record.yaml", "terms/<provider>/<document>/<version>/record.yaml", models.VersionRecord),
    ("A rule", "each item of `rules:` in record.yaml", models.Rule),
    ("A precondition", "each item of `preconditions:` in record.yaml", models.Precondition),
    (
        "A further quote",
        "each item of `see:` in a rule or a precondition",
        models.SeeQuote,
    ),
    ("Another text of the version", "each item of `also:` in record.yaml", models.ExtraText),
    ("document.yaml", "terms/<provider>/<document>/document.yaml", models.Document),
    ("provider.yaml", "terms/<provider>/provider.yaml", models.Provider),
    ("A subject", "terms/subjects/<id>.yaml", models.Subject),
    ("A governing range", "each item of `governed_by:` in a subject", models.Governance),
    ("A quote reference", "each item of `evidence:` in a governing range", models.QuoteRef),
    ("An action", "each item of terms/vocabulary/actions.yaml", models.ActionDef),
    ("A fact", "each item of terms/vocabulary/facts.yaml", models.FactDef),
    ("A document kind", "each item of terms/vocabulary/document-kinds.yaml", models.DocumentKind),
    ("ota-mapping.yaml", "terms/ota-mapping.yaml", models.OtaMapping),
    ("An OTA collection", "each item of `collections:` in ota-mapping.yaml", models.OtaCollection),
    ("A mapped document", "each item of `documents:` in ota-mapping.yaml", models.OtaDocument),
    ("An OTA file", "each item of `sources:` of a mapped document", models.OtaSource),
    ("A reviewed change", "each item of `reviewed:` in ota-mapping.yaml", models.OtaReview),
]


def type_name(annotation: Any) -> str:
    """A field's type in a lawyer's words (text, date, list of ...)."""
    for known in _KNOWN:
        if getattr(models, known, None) == annotation:
            return _KNOWN[known]
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Annotated:
        return type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " or ".join(type_name(a) for a in args)
    if origin is list:
        return f"list of {type_name(args[0])}"
    if origin is dict:
        return "mapping"
    if origin is typing.Literal:
        return " or ".join(f"`{a}`" for a in typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        heading = next((h for h, _, m in FILES if m is annotation), annotation.__name__)
        return f"*{heading.lower()}*"
    if isinstance(annotation, type) and hasattr(annotation, "__members__"):
        return " or ".join(f"`{m.value}`" for m in annotation)  # type: ignore[attr-defined]
    return {str: "text", bool: "`true` or `false`", int: "whole number"}.get(annotation, "value")


_KNOWN = {
    "Day": "date `YYYY-MM-DD`",
    "FuzzyDate": "date `YYYY-MM-DD`, month `YYYY-MM`, or `unknown`",
    "VersionId": "version id (`YYYY-MM-DD`, `YYYY-MM` or `undated[-slug]`)",
    "DocumentId": "document id `provider/document`",
    "Slug": "id (lowercase letters, digits and dashes)",
    "Sha256": "SHA-256 hex digest",
    "FileName": "file name in the version folder",
    "ConditionField": "condition (see Conditions)",
    "Text": "text",
}


def table(model: type[BaseModel]) -> str:
    """One model's fields as a Markdown table."""
    rows = ["| field | required | type | meaning |", "|---|---|---|---|"]
    hints = typing.get_type_hints(model, include_extras=True)
    for name, field in model.model_fields.items():
        key = field.alias or name
        required = "yes" if field.is_required() else ""
        meaning = re.sub(r"\s+", " ", field.description or "").replace("|", "\\|")
        rows.append(f"| `{key}` | {required} | {type_name(hints[name])} | {meaning} |")
    return "\n".join(rows)


def markdown() -> str:
    """The whole generated section, markers included."""
    parts = [START, "", "## Field reference", ""]
    for heading, where, model in FILES:
        doc = (model.__doc__ or "").strip().splitlines()[0]
        parts += [f"### {heading}", "", f"{where}: {doc}", "", table(model), ""]
    parts.append(END)
    return "\n".join(parts)


def refresh(path: Path) -> bool:
    """Rewrite the generated section of ``path``; True when the file changed."""
    text = path.read_text(encoding="utf-8")
    pattern = _SECTION
    if not pattern.search(text):
        raise ValueError(f"{path} has no field-reference markers ({START!r} ... {END!r})")
    updated = pattern.sub(lambda _: markdown(), text)
    if updated == text:
        return False
    path.write_text(updated, encoding="utf-8")
    return True


def current(path: Path) -> str | None:
    """The generated section as committed in ``path``, or None."""
    text = path.read_text(encoding="utf-8")
    match = _SECTION.search(text)
    return match.group(0) if match else None
