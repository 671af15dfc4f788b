"""The record format: pydantic models for everything a lawyer writes in ``terms/``.

Why one module: these models are the single source of the format. The JSON
Schema in ``schema/`` and the contributor field reference are generated from
them, so documentation, editor validation and the loader cannot drift apart.
Every model forbids unknown fields and documents every field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)

from tos_kb.records import conditions as cond
from tos_kb.records.dates import VERSION_ID_RE, Interval, check_fuzzy, parse_day
from tos_kb.records.vocab import FactType, RuleVerdict

SLUG_PATTERN = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*$"
DOCUMENT_ID_PATTERN = r"^[a-z0-9]+(?:[.-][a-z0-9]+)*/[a-z0-9]+(?:[.-][a-z0-9]+)*$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
FILE_PATTERN = r"^[a-z0-9][a-z0-9._-]*\.(?:txt|md)$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
DocumentId = Annotated[str, StringConstraints(pattern=DOCUMENT_ID_PATTERN)]
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]
FileName = Annotated[str, StringConstraints(pattern=FILE_PATTERN)]
Text = Annotated[str, StringConstraints(min_length=1)]
Day = Annotated[
    date,
    BeforeValidator(parse_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
FuzzyDate = Annotated[
    str,
    BeforeValidator(check_fuzzy),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(?:\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|unknown)$",
            "description": "YYYY-MM-DD, YYYY-MM when only the month is known, or 'unknown'",
        }
    ),
]
VersionId = Annotated[str, StringConstraints(pattern=VERSION_ID_RE.pattern)]

_CONDITION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "minProperties": 1,
    "description": (
        "A condition over facts: {fact: value}, {fact: {op: value}} with op one of "
        "eq, ne, lt, lte, gt, gte, in, not_in; or {all: [...]}, {any: [...]}, {not: {...}}."
    ),
}
ConditionField = Annotated[dict[str, Any], WithJsonSchema(_CONDITION_SCHEMA)]


class Record(BaseModel):
    """Base of every hand-written record: unknown fields are errors, values are strict."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


def _parse_condition(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    cond.parse(value)  # a ConditionError (a ValueError) keeps its path for the loader
    return value


# --- vocabularies -----------------------------------------------------------


class ActionDef(Record):
    """One action of the closed vocabulary (terms/vocabulary/actions.yaml)."""

    id: Slug = Field(description="Stable id, part of the public contract.")
    label: Text = Field(description="Short human name.")
    definition: Text = Field(description="What doing this action means, in plain words.")
    parent: Slug | None = Field(
        None, description="A broader action whose rules apply when this one has none."
    )
    core: bool = Field(
        False, description="Core actions must be covered by every version of a governing document."
    )
    deprecated: bool = Field(False, description="Kept for old records; not to be used in new ones.")


class FactWordingDef(Record):
    """How a fact reads in a sentence (see :mod:`tos_kb.records.wording`)."""

    if_true: Text | None = Field(
        None,
        description="Boolean facts: the phrase when true ('the model competes with {provider}').",
    )
    if_false: Text | None = Field(None, description="Boolean facts: the phrase when false.")
    template: Text | None = Field(
        None,
        description="Other facts: a phrase whose {} takes the comparison or the values "
        "('you have {} monthly active users').",
    )
    negated: Text | None = Field(
        None, description="Other facts: the phrase for not equal / not in, with {}."
    )
    values: dict[str, Text] | None = Field(
        None, description="How values read ('eea: the EEA'); others read as written."
    )


class FactDef(Record):
    """One fact of the closed vocabulary (terms/vocabulary/facts.yaml)."""

    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="Name used in conditions and in questions (snake_case)."
    )
    type: FactType = Field(description="Type of the value.")
    values: list[Slug] | None = Field(None, description="Allowed values, for enum facts only.")
    meaning: Text = Field(description="What the fact means, as the asker should read it.")
    wording: FactWordingDef | None = Field(
        None, description="How conditions on the fact read in sentences (else: its id)."
    )

    @model_validator(mode="after")
    def _enum_has_values(self) -> FactDef:
        if (self.type == FactType.ENUM) != bool(self.values):
            raise ValueError("'values' is required for enum facts and only for them")
        return self

    @model_validator(mode="after")
    def _wording_fits_type(self) -> FactDef:
        w = self.wording
        if w is None:
            return self
        if self.type == FactType.BOOLEAN:
            if not (w.if_true and w.if_false) or w.template or w.negated or w.values:
                raise ValueError(
                    "the wording of a boolean fact is 'if_true' and 'if_false', and only them"
                )
            return self
        if w.if_true or w.if_false or not w.template or "{}" not in w.template:
            raise ValueError("the wording of a non-boolean fact is a 'template' holding {}")
        if w.negated is not None and "{}" not in w.negated:
            raise ValueError("'negated' must hold {}")
        unknown = sorted(set(w.values or {}) - set(self.values or []))
        if unknown:
            raise ValueError(f"wording labels values the fact does not have: {', '.join(unknown)}")
        return self


class DocumentKind(Record):
    """One kind of document (terms/vocabulary/document-kinds.yaml)."""

    id: Slug = Field(description="Kind id.")
    label: Text = Field(description="Human name.")
    governs: bool = Field(
        description="Whether documents of this kind carry rules (false: evidence only)."
    )


# --- providers and documents -------------------------------------------------


class Provider(Record):
    """An organisation that publishes terms (terms/<provider>/provider.yaml)."""

    id: Slug = Field(description="Provider id; the folder name.")
    name: Text = Field(description="Legal or usual name.")
    website: Text | None = Field(None, description="Main website.")
    main_subject: Slug | None = Field(
        None, description="The subject the provider id is an alias of (openai -> openai-api)."
    )
    notes: str | None = Field(None, description="Anything a reader should know.")


class NotObtained(Record):
    """A version reported to exist that this archive has not obtained (yet)."""

    effective: FuzzyDate = Field(
        description="When that version is reported to govern from: a day, a month or 'unknown'."
    )
    source: Text = Field(description="Who reports it: a URL or a named publication.")
    note: str | None = Field(None, description="What is known of it.")


class Document(Record):
    """One legal text revised over time (terms/<provider>/<document>/document.yaml)."""

    id: DocumentId = Field(description="provider/document; must match the folder.")
    title: Text = Field(description="The document's usual title.")
    kind: Slug = Field(description="A kind from terms/vocabulary/document-kinds.yaml.")
    canonical_url: Text | None = Field(None, description="Where the provider publishes it.")
    succeeds: DocumentId | None = Field(
        None,
        description="The document this one replaces for the next generation "
        "(e.g. meta/llama-3.1-license succeeds meta/llama-3-license).",
    )
    succession_basis: str | None = Field(
        None, description="Why this document is the successor, in a sentence."
    )
    notes: str | None = Field(None, description="Scope, regional variants, caveats.")
    last_checked: Day | None = Field(
        None,
        description="The last day someone checked that the newest archived version was still "
        "in force (the archive's horizon for this document, if later than any version's "
        "retrieved or verified day).",
    )
    not_obtained: list[NotObtained] = Field(
        default_factory=list,
        description="Versions reported to exist but not archived. Answers that rest on an "
        "older version after such a date say so; validate flags an entry once that version "
        "is archived.",
    )


# --- versions ------------------------------------------------------------------


class SeeQuote(Record):
    """A further quote a rule or precondition rests on, verbatim from the same version.

    Why: a rule's own quote may only point elsewhere ("subject to the
    restrictions set out in Section 3"), or its answer may turn on a defined
    term (what a "Model Derivative" or an "Output" is). The clause pointed to,
    or the definition, is quoted here so that the answer cites every clause
    that decides it.
    """

    kind: Literal["referenced-clause", "definition"] = Field(
        description="referenced-clause: the clause the quote refers to (Section 3's "
        "restrictions); definition: a defined term that decides whether the rule applies."
    )
    section: str | None = Field(None, description="Where this quote stands (3.1, 1 Definitions).")
    quote: Text | None = Field(
        None,
        description="Verbatim words from text.txt (or quote_file), with the same leeway as a "
        "rule's quote. Leave it out only when the archived text is an excerpt that does not "
        "reach the clause (say so in 'why'); answers then say it is not archived.",
    )
    quote_file: FileName | None = Field(
        None, description="Which of the version's texts holds the quote; default: text.txt."
    )
    why: Text = Field(
        description="What this quote decides for the rule, in a sentence (shown with answers)."
    )


class Rule(Record):
    """What one version says of one action, backed by a verbatim quote."""

    action: Slug = Field(description="An action id from terms/vocabulary/actions.yaml.")
    verdict: RuleVerdict = Field(
        description="permitted, prohibited, conditional (turns on something outside the "
        "facts; say what in 'condition'), or silent (the text does not address it)."
    )
    when: ConditionField | None = Field(
        None, description="Facts under which this rule applies; absent: always."
    )
    condition: str | None = Field(
        None, description="For verdict conditional: what the answer turns on, in plain words."
    )
    section: str | None = Field(
        None,
        description="Where the quote stands: 2(c)(iii), 1.b.v, a heading. Write numbers "
        'in quotes (section: "3.1"), or YAML reads them as numbers.',
    )
    quote: str | None = Field(
        None,
        description="The words that decide it, verbatim from text.txt (or the file named in "
        "quote_file); only runs of white space and curly versus straight quotes may differ. "
        "Required except for silent.",
    )
    quote_file: FileName | None = Field(
        None, description="Which of the version's texts holds the quote; default: text.txt."
    )
    see: list[SeeQuote] = Field(
        default_factory=list,
        description="Further quotes the answer rests on: the clause the quote refers to "
        "(required when the quote only points elsewhere), or a definition that decides it. "
        "Cited right after the rule's own quote.",
    )
    obligations: list[Text] = Field(
        default_factory=list,
        description="Duties that come with a permission (a name prefix, a notice).",
    )
    note: str | None = Field(
        None, description="Reasoning: why this verdict, what the text leaves open."
    )
    excerpt_complete: Text | None = Field(
        None,
        description="Only on a silent rule of an excerpt: why the excerpt is known to hold "
        "everything the text says of this action (the whole body, the whole list of "
        "prohibited uses), so that its silence is the text's. Without it an excerpt's "
        "silence is a gap: answers are unknown unless a prohibition decides them.",
    )

    _condition: cond.Condition | None = PrivateAttr(None)

    @field_validator("when")
    @classmethod
    def _check_when(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return _parse_condition(value)

    @model_validator(mode="after")
    def _consistent(self) -> Rule:
        if self.verdict == RuleVerdict.SILENT:
            if not self.note:
                raise ValueError(
                    "a silent rule needs a 'note' saying what the text does and does not cover"
                )
        elif not self.quote:
            raise ValueError(f"a {self.verdict.value} rule needs a verbatim 'quote'")
        if self.verdict == RuleVerdict.CONDITIONAL and not self.condition:
            raise ValueError("a conditional rule needs 'condition': what the answer turns on")
        if self.obligations and self.verdict in (RuleVerdict.PROHIBITED, RuleVerdict.SILENT):
            raise ValueError("obligations belong to permitted or conditional rules")
        if self.see and self.verdict == RuleVerdict.SILENT:
            raise ValueError("a silent rule quotes nothing, so it has nothing to 'see'")
        if self.excerpt_complete and self.verdict != RuleVerdict.SILENT:
            raise ValueError(
                "'excerpt_complete' belongs to silent rules (a rule that speaks is not silent)"
            )
        return self

    def model_post_init(self, _context: Any) -> None:
        if self.when is not None:
            self._condition = cond.parse(self.when)

    @property
    def parsed_when(self) -> cond.Condition | None:
        """The parsed condition (None: the rule always applies)."""
        return self._condition


class Precondition(Record):
    """A licence-wide test that withholds rights unless it holds (Llama's 700M MAU)."""

    unless: ConditionField = Field(
        description="The rights are withheld unless this condition holds."
    )
    actions: list[Slug] | None = Field(
        None, description="Actions it applies to (and their children); absent: all actions."
    )
    section: str | None = Field(None, description="Section of the quote.")
    quote: Text = Field(description="Verbatim words that impose it.")
    quote_file: FileName | None = Field(
        None, description="Text holding the quote; default text.txt."
    )
    see: list[SeeQuote] = Field(
        default_factory=list,
        description="Further quotes it rests on (a referenced clause, a definition), as for "
        "a rule.",
    )
    note: str | None = Field(None, description="How it reads, in plain words.")

    _condition: cond.Condition = PrivateAttr()

    @field_validator("unless")
    @classmethod
    def _check_unless(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return _parse_condition(value)

    def model_post_init(self, _context: Any) -> None:
        self._condition = cond.parse(self.unless)

    @property
    def parsed_unless(self) -> cond.Condition:
        """The parsed condition that must hold."""
        return self._condition


class ExtraText(Record):
    """Another verbatim text of the same version (a fuller copy, a corroborating excerpt)."""

    file: FileName = Field(description="File name inside the version folder.")
    title: Text = Field(description="What this text is.")
    source_url: str | None = Field(None, description="Where it is published.")
    obtained_from: Text = Field(description="Where this archive obtained it.")
    coverage: Literal["full", "excerpt"] = Field(description="Whole text or only part.")
    sha256: Sha256 = Field(description="SHA-256 of the file's bytes.")
    notes: str | None = Field(None, description="Caveats about this copy.")


class Erratum(Record):
    """A correction of an archived text: a new verbatim file beside it, saying what and why.

    Archived texts never change (past answers must stay reproducible); a
    transcription error is corrected by adding the corrected text as a new file
    and this entry. Rules may then quote the corrected file (``quote_file``),
    and every answer that consults the version says that it was corrected.
    """

    file: FileName = Field(description="The corrected text's file name in the version folder.")
    corrects: FileName = Field("text.txt", description="The archived text it corrects.")
    date: Day = Field(description="When the correction was recorded.")
    reason: Text = Field(description="What was wrong with the archived text, in plain words.")
    obtained_from: Text = Field(description="Where the corrected text was obtained.")
    sha256: Sha256 = Field(description="SHA-256 of the corrected file's bytes.")

    def caveat(self, key: str) -> str:
        """The words every answer citing this version carries."""
        return (
            f"{key}: the archived {self.corrects} was corrected on {self.date} by "
            f"{self.file} ({self.reason})"
        )


class VersionRecord(Record):
    """One dated version of a document (terms/<provider>/<document>/<version>/record.yaml)."""

    document: DocumentId = Field(description="provider/document; must match the folders.")
    version: VersionId = Field(
        description="The version folder's name: YYYY-MM-DD, YYYY-MM or undated[-slug]."
    )
    title: Text = Field(description="Title as the text gives it.")
    effective: FuzzyDate = Field(
        description="When the version governs from: a day, a month, or 'unknown'."
    )
    effective_basis: Text = Field(description="How the effective date is known.")
    published: FuzzyDate | None = Field(
        None, description="When it was announced, if different or known."
    )
    in_force_on: list[Day] = Field(
        default_factory=list,
        description="Days on which the text is attested in force, when 'effective' is not "
        "known to the day. The earliest is then used as the start of its interval.",
    )
    retrieved: Day = Field(description="When this archive obtained the text.")
    verified: Day | None = Field(
        None, description="When the text was last checked against the source."
    )
    withdrawn: Day | None = Field(
        None,
        description="When it stopped governing with no archived successor (withdrawn, or "
        "replaced by a version this archive has not obtained): later dates answer unknown.",
    )
    source_url: Text = Field(description="Where the provider publishes it (canonical URL).")
    obtained_from: Text = Field(description="Where this archive's copy of the text came from.")
    coverage: Literal["full", "excerpt"] = Field(
        description="full: the whole text; excerpt: only the parts shown."
    )
    sha256: Sha256 = Field(description="SHA-256 of text.txt's bytes.")
    also: list[ExtraText] = Field(
        default_factory=list, description="Other texts of this version kept beside text.txt."
    )
    errata: list[Erratum] = Field(
        default_factory=list,
        description="Corrections of its texts, each a new file; texts are never edited.",
    )
    notes: str | None = Field(None, description="Caveats a reader must know.")
    preconditions: list[Precondition] = Field(
        default_factory=list, description="Licence-wide tests that withhold rights."
    )
    rules: list[Rule] = Field(default_factory=list, description="What the text says of actions.")

    @field_validator("rules")
    @classmethod
    def _complete_only_in_excerpts(cls, rules: list[Rule], info: ValidationInfo) -> list[Rule]:
        if info.data.get("coverage") == "full":
            for i, rule in enumerate(rules):
                if rule.excerpt_complete:
                    raise ValueError(
                        f"rules[{i}] ({rule.action}): 'excerpt_complete' is only for versions "
                        "with coverage: excerpt (a full text's silence is already complete)"
                    )
        return rules

    def texts(self) -> list[tuple[str, str, tuple[str | int, ...]]]:
        """Every verbatim file of the version: (file name, sha256, where the hash is written)."""
        found: list[tuple[str, str, tuple[str | int, ...]]] = [
            ("text.txt", self.sha256, ("sha256",))
        ]
        found += [(t.file, t.sha256, ("also", i, "sha256")) for i, t in enumerate(self.also)]
        found += [(e.file, e.sha256, ("errata", i, "sha256")) for i, e in enumerate(self.errata)]
        return found


# --- subjects --------------------------------------------------------------------


class QuoteRef(Record):
    """A verbatim quote in an archived version, cited as evidence."""

    document: DocumentId = Field(description="Document holding the quote.")
    version: VersionId = Field(description="Version holding the quote.")
    quote: Text = Field(description="Verbatim words.")
    quote_file: FileName | None = Field(
        None, description="Text holding the quote; default text.txt."
    )


class Governance(Record):
    """One document governing a subject over a date range."""

    document: DocumentId = Field(description="The governing document.")
    role: Slug = Field(
        description="What it is to the subject: terms, policy, licence... "
        "Ranges of the same role and condition may not overlap."
    )
    from_: Day = Field(alias="from", description="First day it governs the subject.")
    until: Day | None = Field(None, description="First day it no longer governs (exclusive).")
    when: ConditionField | None = Field(
        None, description="Facts under which it governs (e.g. a jurisdiction)."
    )
    basis: Text = Field(description="Why it governs over this range.")
    uncertainty: str | None = Field(
        None, description="What about the range is not known for sure; shown with answers."
    )
    evidence: list[QuoteRef] = Field(default_factory=list, description="Quotes that show it.")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    _condition: cond.Condition | None = PrivateAttr(None)

    @field_validator("when")
    @classmethod
    def _check_when(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        return _parse_condition(value)

    def model_post_init(self, _context: Any) -> None:
        if self.when is not None:
            self._condition = cond.parse(self.when)

    @property
    def parsed_when(self) -> cond.Condition | None:
        """The parsed condition (None: governs whatever the facts)."""
        return self._condition

    @property
    def interval(self) -> Interval:
        """The days it governs, ``[from, until)``: the one half-open rule of ``dates``."""
        return Interval(self.from_, self.until)

    @model_validator(mode="after")
    def _ordered(self) -> Governance:
        if self.until is not None and self.until <= self.from_:
            raise ValueError("'until' must come after 'from'")
        return self


class Subject(Record):
    """What a user asks about: a service or a model family (terms/subjects/<id>.yaml)."""

    id: Slug = Field(description="Subject id; the file name.")
    name: Text = Field(description="Human name.")
    kind: Literal["service", "model"] = Field(description="A hosted service or model weights.")
    provider: Slug = Field(description="Who publishes its terms.")
    aliases: list[Slug] = Field(default_factory=list, description="Other ids that mean it.")
    description: str | None = Field(None, description="One or two sentences.")
    governed_by: list[Governance] = Field(
        description="The documents that govern it, each over a date range."
    )
    notes: str | None = Field(None, description="Caveats.")


# --- Open Terms Archive mapping ----------------------------------------------------

CommitId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{7,40}$")]


class OtaCollection(Record):
    """An Open Terms Archive collection whose versions repository this archive reads."""

    name: Text = Field(
        description="The collection's name as its versions repository's README gives it "
        "(e.g. GenAI Contrib)."
    )
    repository: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")] = (
        Field(description="The public versions repository, owner/name (cited in records).")
    )


class OtaSource(Record):
    """One Open Terms Archive file that records a document: a service and a terms type."""

    service: Text = Field(description="The service folder in the versions repository (ChatGPT).")
    terms_type: Text = Field(
        description="The terms type, the file name without .md (Terms of Service)."
    )
    collections: list[Text] | None = Field(
        None,
        description="Only in these collections (by name), when the same file holds another "
        "document elsewhere; absent: in any collection.",
    )
    note: str | None = Field(None, description="What this file holds (a combined capture...).")

    @property
    def path(self) -> str:
        """The file's path inside a versions repository."""
        return f"{self.service}/{self.terms_type}.md"


class OtaDocument(Record):
    """Where Open Terms Archive records one of this archive's documents."""

    document: DocumentId = Field(description="provider/document in terms/.")
    sources: list[OtaSource] = Field(
        min_length=1,
        description="The files that record it; several when the service or terms type was "
        "renamed, or the same text is filed under several services.",
    )


class OtaReview(Record):
    """A change Open Terms Archive recorded that was read and judged not to need a version."""

    document: DocumentId = Field(description="The document the change was read for.")
    commit: CommitId = Field(description="The versions repository's commit of the change.")
    observed: Day = Field(description="When Open Terms Archive observed it (the commit date).")
    judgement: Literal["cosmetic", "other-document"] = Field(
        description="cosmetic: no core action is touched; other-document: the file then held "
        "another document (a regional variant already archived under its own id)."
    )
    summary: Text = Field(description="What changed, from the text diff, in a sentence.")


class OtaMapping(Record):
    """terms/ota-mapping.yaml: this archive's documents in Open Terms Archive's names."""

    collections: list[OtaCollection] = Field(
        description="The collections read, with their public repositories."
    )
    documents: list[OtaDocument] = Field(description="Each mapped document and its files.")
    reviewed: list[OtaReview] = Field(
        default_factory=list,
        description="Recorded changes read and judged not to need an archived version; "
        "tos-kb watch no longer reports them.",
    )
