"""The JSON Schemas in ``schema/``, generated from the pydantic models.

Why generated: one source for the format. Editors validate records as
lawyers type (records name their schema in a first-line comment), and a test
fails when the committed schemas drift from the models.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter

from tos_kb.records import models

SCHEMAS: dict[str, Any] = {
    "record": models.VersionRecord,
    "document": models.Document,
    "provider": models.Provider,
    "subject": models.Subject,
    "actions": list[models.ActionDef],
    "facts": list[models.FactDef],
    "document-kinds": list[models.DocumentKind],
    "ota-mapping": models.OtaMapping,
}
BASE_URL = "https://tos-kb.example/schema/"  # an identifier, not fetched


def build(name: str, target: Any = None) -> dict[str, Any]:
    """The JSON Schema of one model (a record type of :data:`SCHEMAS` by default)."""
    target = SCHEMAS[name] if target is None else target
    if isinstance(target, type) and issubclass(target, BaseModel):
        schema = target.model_json_schema(by_alias=True)
    else:
        schema = TypeAdapter(target).json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{BASE_URL}{name}.schema.json",
        **schema,
    }


def render(name: str, target: Any = None) -> str:
    """The schema as the text committed in ``schema/``."""
    text = json.dumps(build(name, target), indent=2, ensure_ascii=False, sort_keys=True)
    return text + "\n"


def write_all(folder: Path, schemas: dict[str, Any] | None = None) -> list[Path]:
    """Write every schema (of ``schemas``, default :data:`SCHEMAS`) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, target in (schemas or SCHEMAS).items():
        path = folder / f"{name}.schema.json"
        path.write_text(render(name, target), encoding="utf-8")
        written.append(path)
    return written
