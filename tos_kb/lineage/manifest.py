"""The pipeline manifest: pydantic models for what a team writes about its training pipeline.

Why models: like the records of ``terms/``, the manifest has one source for
its format. The JSON Schema ``schema/pipeline.schema.json`` and the field
reference on the site are generated from these classes, and the loader
reports every deviation with file, line and field.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Discriminator, Field, Tag, WithJsonSchema, model_validator

from tos_kb.records.dates import parse_day
from tos_kb.records.models import SLUG_PATTERN, Day, Record, Slug, Text

DATE_PATTERN = r"^\d{4}-\d{2}(?:-\d{2})?$"


def _check_when(value: object) -> str:
    """A day ``YYYY-MM-DD`` or a month ``YYYY-MM`` (the whole month), kept as text."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) == 7 and value[4] == "-" and value[:4].isdigit():
        if value[5:].isdigit() and 1 <= int(value[5:]) <= 12:
            return value
        raise ValueError(f"{value!r} is not a real month")
    try:
        return parse_day(value).isoformat()
    except ValueError as exc:
        if "calendar" in str(exc):
            raise
        raise ValueError(f"expected a day YYYY-MM-DD or a month YYYY-MM, found {value!r}") from None


DayOrMonth = Annotated[
    str,
    BeforeValidator(_check_when),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": DATE_PATTERN,
            "description": "YYYY-MM-DD, or YYYY-MM for some day in that month",
        }
    ),
]


class Span(Record):
    """A stretch of days, both ends included, when a step took place on some day(s) in it."""

    from_: Day = Field(alias="from", description="The first day it may have taken place.")
    until: Day = Field(description="The last day it may have taken place (included).")

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        if self.until < self.from_:
            raise ValueError("'until' is before 'from'")
        return self


def _when_tag(value: object) -> str:
    return "range" if isinstance(value, dict | Span) else "day"


When = Annotated[
    Annotated[DayOrMonth, Tag("day")] | Annotated[Span, Tag("range")], Discriminator(_when_tag)
]


def days(when: str | Span) -> tuple[date, date]:
    """The first and last day (both included) a step's date can denote."""
    if isinstance(when, Span):
        return when.from_, when.until
    if len(when) == 7:
        year, month = int(when[:4]), int(when[5:])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    day = date.fromisoformat(when)
    return day, day


def show_when(when: str | Span | None) -> str:
    """A step's date as written in the manifest."""
    if when is None:
        return "date not given"
    return when if isinstance(when, str) else f"{when.from_} to {when.until}"


WHEN_DESCRIPTION = (
    "YYYY-MM-DD, YYYY-MM (some day in that month), or {from: YYYY-MM-DD, until: YYYY-MM-DD}"
)


class Generated(Record):
    """Data produced by a service or model: its outputs, logits, or outputs scraped from it."""

    kind: Literal["generated"] = Field(description="`generated`.")
    subject: str | None = Field(
        None,
        description=(
            "The service or model that produced the data: a subject id or alias of the archive "
            "(`tos-kb subjects`). Leave it out when unknown: the answer is then unknown."
        ),
    )
    artefact: Slug | None = Field(
        None,
        description=(
            "Instead of `subject`: a model artefact of this pipeline that produced the data "
            "(self-distillation); its own lineage comes along."
        ),
    )
    model: str | None = Field(
        None, description="The specific model used, for the reader (e.g. text-davinci-003)."
    )
    generated: When | None = Field(
        None,
        description=f"When the data was generated: {WHEN_DESCRIPTION}. Unknown if left out.",
    )
    taken: Literal["outputs", "logits", "scraped-outputs"] = Field(
        "outputs",
        description=(
            "What was taken: decoded `outputs`, output probabilities (`logits`), or outputs "
            "extracted outside the offered API (`scraped-outputs`)."
        ),
    )
    note: str | None = Field(None, description="Anything a reader should know.")

    @model_validator(mode="after")
    def _one_origin(self) -> Generated:
        if self.subject is not None and self.artefact is not None:
            raise ValueError("give either 'subject' or 'artefact', not both")
        return self


class Human(Record):
    """Data written by people (the team, contractors, volunteers): no AI terms attach to it."""

    kind: Literal["human"] = Field(description="`human`.")
    description: Text = Field(description="Who wrote it and how.")


class Licensed(Record):
    """Data obtained under a named licence (a dataset licence this archive does not record)."""

    kind: Literal["licensed"] = Field(description="`licensed`.")
    licence: Text = Field(description="The licence's name, e.g. CC-BY-4.0.")
    description: str | None = Field(None, description="Which data, from where.")


class Mixed(Record):
    """Another dataset of this pipeline mixed into this one."""

    kind: Literal["dataset"] = Field(description="`dataset`.")
    dataset: Slug = Field(description="The id of a dataset artefact of this pipeline.")


Source = Annotated[Generated | Human | Licensed | Mixed, Discriminator("kind")]


class Dataset(Record):
    """A dataset: one or more sources mixed together. It is judged by its worst source."""

    id: Slug = Field(description="The artefact's id, unique in the manifest.")
    kind: Literal["dataset"] = Field(description="`dataset`.")
    title: str | None = Field(None, description="A readable name.")
    sources: list[Source] = Field(
        min_length=1,
        description=(
            "Where the data comes from; each item has a `kind`: `generated`, `human`, "
            "`licensed` or `dataset`."
        ),
    )


class Base(Record):
    """The weights a model starts from: a subject of the archive or another model artefact."""

    subject: str | None = Field(None, description="A subject id or alias (e.g. llama-3.1-8b).")
    artefact: Slug | None = Field(None, description="The id of a model artefact of this pipeline.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Base:
        if (self.subject is None) == (self.artefact is None):
            raise ValueError("give exactly one of 'subject' or 'artefact'")
        return self


class Model(Record):
    """A model: base weights fine-tuned (or a model trained from scratch) on datasets."""

    id: Slug = Field(description="The artefact's id, unique in the manifest.")
    kind: Literal["model"] = Field(description="`model`.")
    title: str | None = Field(None, description="A readable name.")
    base: Base | None = Field(
        None,
        description=(
            "The base weights. Leave out only with `from_scratch: true`; otherwise the "
            "answer is unknown until it is given."
        ),
    )
    from_scratch: bool = Field(False, description="The model was trained from random weights.")
    trained_on: list[Slug] = Field(
        default_factory=list, description="The ids of the dataset artefacts it was trained on."
    )
    trained: When | None = Field(
        None, description=f"When it was trained: {WHEN_DESCRIPTION}. Unknown if left out."
    )

    @model_validator(mode="after")
    def _base_or_scratch(self) -> Model:
        if self.from_scratch and self.base is not None:
            raise ValueError("a model trained from scratch has no 'base'")
        return self


Artefact = Annotated[Dataset | Model, Discriminator("kind")]
FactMap = Annotated[
    dict[str, Any],
    WithJsonSchema(
        {"type": "object", "additionalProperties": {"type": ["boolean", "integer", "string"]}}
    ),
]


class Use(Record):
    """What the shipped model is for: the facts of its use, which flow to every upstream step."""

    description: str | None = Field(None, description="The intended use, in plain words.")
    facts: FactMap = Field(
        default_factory=dict,
        description=(
            "Facts of the use from the archive's vocabulary (`tos-kb facts`): commercial, "
            "distributes, monthly_active_users, jurisdiction, competing, ... Not `student`: "
            "each step's student is the model it feeds."
        ),
    )
    competes_with: list[Annotated[str, Field(pattern=SLUG_PATTERN)]] | None = Field(
        None,
        description=(
            "Instead of the fact `competing`: the providers whose products the model competes "
            "with (provider ids); `competing` is then true for their terms, false for others."
        ),
    )


class Pipeline(Record):
    """A training pipeline: its artefacts, the model it ships and that model's intended use."""

    pipeline: Slug = Field(description="The pipeline's id.")
    title: str | None = Field(None, description="A readable name.")
    description: str | None = Field(None, description="What the pipeline does.")
    ships: Slug = Field(description="The id of the model artefact that is shipped.")
    use: Use = Field(description="The intended use of the shipped model.")
    assessed_on: Day | None = Field(
        None,
        description=(
            "The day of the assessment: each step is also judged under the terms in force "
            "then, and flagged where the answer differs. Default: today."
        ),
    )
    artefacts: list[Artefact] = Field(
        min_length=1, description="Datasets and models; each item has a `kind`."
    )

    def artefact(self, artefact_id: str) -> Dataset | Model:
        """An artefact by id (the manifest is checked to have it)."""
        return next(a for a in self.artefacts if a.id == artefact_id)


def model(pipeline: Pipeline, artefact_id: str) -> Model:
    """The model artefact ``artefact_id`` (the manifest's references are checked first)."""
    found = pipeline.artefact(artefact_id)
    assert isinstance(found, Model), artefact_id
    return found


def dataset(pipeline: Pipeline, artefact_id: str) -> Dataset:
    """The dataset artefact ``artefact_id`` (the manifest's references are checked first)."""
    found = pipeline.artefact(artefact_id)
    assert isinstance(found, Dataset), artefact_id
    return found
