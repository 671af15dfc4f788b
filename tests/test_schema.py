"""The committed JSON Schemas match the models, and real records satisfy them."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from tos_kb import schemas
from tos_kb.records import schema
from tos_kb.records.yamlsafe import read_yaml

REPO = Path(__file__).resolve().parent.parent
# Every kind of YAML file in terms/ and the schema that describes it.
TERMS_FILES = [
    ("*/*/*/record.yaml", "record"),
    ("*/*/document.yaml", "document"),
    ("*/provider.yaml", "provider"),
    ("subjects/*.yaml", "subject"),
    ("vocabulary/actions.yaml", "actions"),
    ("vocabulary/facts.yaml", "facts"),
    ("vocabulary/document-kinds.yaml", "document-kinds"),
    ("ota-mapping.yaml", "ota-mapping"),
]


@pytest.mark.parametrize("name", list(schemas.SCHEMAS))
def test_committed_schema_matches_models(name: str) -> None:
    """schema/*.json is regenerated from the models: run `tos-kb schema` if this fails."""
    committed = (REPO / "schema" / f"{name}.schema.json").read_text(encoding="utf-8")
    assert committed == schema.render(name, schemas.SCHEMAS[name])


def test_every_committed_schema_has_a_model() -> None:
    """No schema file is left behind by a removed model."""
    committed = {p.name.removesuffix(".schema.json") for p in (REPO / "schema").glob("*.json")}
    assert committed == set(schemas.SCHEMAS)


def test_records_validate_against_the_json_schema(terms: Path) -> None:
    """What the loader accepts, an editor validating with the JSON Schema accepts too."""
    validator = jsonschema.Draft202012Validator(schema.build("record"))
    records = list(terms.rglob("record.yaml"))
    assert records
    for path in records:
        errors = list(validator.iter_errors(read_yaml(path).data))
        assert errors == [], (path, errors[0].message if errors else None)


@pytest.mark.parametrize(
    ("pattern", "schema_name"),
    TERMS_FILES,
)
def test_every_file_names_its_schema_for_editors(pattern: str, schema_name: str) -> None:
    """Each YAML file in terms/ starts with the schema comment editors validate against."""
    paths = list((REPO / "terms").glob(pattern))
    assert paths, pattern
    for path in paths:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        target = (path.parent / first.split("=", 1)[1]).resolve()
        assert target == (REPO / "schema" / f"{schema_name}.schema.json").resolve(), path


@pytest.mark.parametrize(
    ("pattern", "schema_name"),
    TERMS_FILES,
)
def test_shipped_files_satisfy_the_json_schema(pattern: str, schema_name: str) -> None:
    """An editor using schema/ accepts every file the archive ships."""
    validator = jsonschema.Draft202012Validator(schema.build(schema_name))
    for path in (REPO / "terms").glob(pattern):
        errors = list(validator.iter_errors(read_yaml(path).data))
        assert errors == [], (path, errors[0].message if errors else None)


def test_contributing_field_reference_matches_models() -> None:
    """CONTRIBUTING.md's field reference is generated: run `tos-kb schema` if this fails."""
    from tos_kb.records import reference

    assert reference.current(REPO / "CONTRIBUTING.md") == reference.markdown()


def test_field_reference_lists_every_field_of_every_model() -> None:
    """Every field of every record model appears in the generated reference, with its meaning."""
    from tos_kb.records import reference

    text = reference.markdown()
    for _, _, model in reference.FILES:
        for name, field in model.model_fields.items():
            assert f"| `{field.alias or name}` |" in text, (model.__name__, name)
            assert field.description, f"{model.__name__}.{name} has no description"
