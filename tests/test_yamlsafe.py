"""The YAML reader: safe, strict about duplicates, and precise about positions."""

from __future__ import annotations

import pytest

from tos_kb.records.yamlsafe import YamlError, parse_yaml


def test_dates_stay_text_and_yes_no_stay_words() -> None:
    """YAML 1.1 implicit typing is off: dates are strings, on/yes/no are words."""
    data = parse_yaml("effective: 2023-07-18\nflag: on\nother: no\nreal: true\n").data
    assert data == {"effective": "2023-07-18", "flag": "on", "other": "no", "real": True}


def test_numbers_with_underscores_are_integers() -> None:
    """Thresholds may be written 700_000_000 for legibility."""
    assert parse_yaml("n: 700_000_000").data == {"n": 700_000_000}


def test_duplicate_key_is_an_error_with_both_lines() -> None:
    """A repeated key is reported at its second line, naming the first."""
    with pytest.raises(YamlError) as err:
        parse_yaml("a: 1\nb: 2\na: 3\n")
    assert err.value.line == 3
    assert "duplicate key 'a' (first at line 1)" in err.value.message


@pytest.mark.parametrize(
    "text", ["a: !!python/object:os.system x", "a: !custom 1", "a: &x 1\nb:\n  <<: {c: 1}"]
)
def test_tags_and_merges_are_rejected(text: str) -> None:
    """Object tags, custom tags and merge keys are refused, never constructed."""
    with pytest.raises(YamlError):
        parse_yaml(text)


def test_positions_point_at_keys() -> None:
    """Each value's position is recorded by path, 1-based."""
    located = parse_yaml("rules:\n  - action: x\n    quote: y\n")
    assert located.position(("rules", 0, "quote")) == (3, 5)
    assert located.position(("rules", 0, "missing")) == (2, 5)


def test_syntax_error_has_a_line() -> None:
    """Broken YAML gives a message with the line where parsing failed."""
    with pytest.raises(YamlError) as err:
        parse_yaml("a: [1, 2\nb: 3\n")
    assert err.value.line is not None
    assert err.value.message.startswith("YAML syntax")


@pytest.mark.parametrize(
    ("scalar", "value"),
    [
        ("0x1F", "0x1F"),
        ("012", "012"),
        ("1e5", "1e5"),
        ("1.0e5", 100000.0),
        (".5", 0.5),
        ("-.5e-3", -0.0005),
        ("1.", "1."),
        ("-0", 0),
        ("+12", 12),
        ("1_000", 1000),
        ("~", None),
        ("NULL", None),
        ("", None),
        ("TRUE", True),
        ("False", False),
        ("tRue", "tRue"),
        ('"1"', "1"),
        ("'true'", "true"),
        (".inf", ".inf"),
        ("1:30", "1:30"),
        ("2023-07-18T10:00:00Z", "2023-07-18T10:00:00Z"),
    ],
)
def test_plain_scalars_are_typed_the_yaml_1_2_core_way(scalar: str, value: object) -> None:
    """Only decimal integers and floats with a dot are numbers; quoted values stay text;
    YAML 1.1's hex, octal, sexagesimal, infinities and timestamps stay as written."""
    data = parse_yaml(f"a: {scalar}\n").data["a"]
    assert data == value and type(data) is type(value)


@pytest.mark.parametrize("text", ["a: =", "a: [<<]", "a: !!binary aGk="])
def test_plain_values_yaml_1_1_gives_other_tags_are_refused(text: str) -> None:
    """A value YAML 1.1 reads as a merge or value key, or an explicit tag, is an error."""
    with pytest.raises(YamlError, match="is not allowed in records"):
        parse_yaml(text)
