"""The compiled index: everything a question needs that does not depend on the question.

Why compiled once: questions are answered often and fast (a few microseconds
each), so name resolution, each document's timeline, and each version's rules
per action with parent actions resolved are computed once at load (and kept
in the cache). The index holds no parsed records and reads no text: diffs,
review and the site read both through :class:`tos_kb.kb.KnowledgeBase`.

Names as people type them are read here, once: a subject id, alias or
provider id, and a subject-typed fact's value (``student``), match whatever
their case and separators (:func:`normal_name`: ``Llama-2``, ``llama 2``,
``LLAMA_2`` and ``llama2`` are ``llama-2``); an enum fact's value matches its
vocabulary value the same way, and a few values people write for a
jurisdiction are read as the vocabulary's (:data:`READINGS`), saying so in the
answer's reasons. A student that is no subject here is another model, and the
answer says that too.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from tos_kb.answer.decision import Citation
from tos_kb.answer.evaluate import CompiledPrecondition, CompiledRule, Outcome, evaluate_version
from tos_kb.answer.factspace import OTHER_STUDENT
from tos_kb.answer.shelf import Shelf
from tos_kb.errors import InputError, UnknownNameError
from tos_kb.records import conditions as cond
from tos_kb.records.dates import Interval, fuzzy_start
from tos_kb.records.facts import FactValueError, check_value, shown
from tos_kb.records.problems import did_you_mean
from tos_kb.records.timeline import DocumentTimeline, Placed
from tos_kb.records.vocab import FactSpec, FactType
from tos_kb.records.wording import FactWording, Wording

if TYPE_CHECKING:
    from tos_kb.answer.decision import Decision
    from tos_kb.records.loader import Archive, VersionEntry
    from tos_kb.records.models import Document, Governance, SeeQuote

__all__ = [
    "CompiledGovernance",
    "CompiledVersion",
    "FactValueError",
    "Index",
    "UnknownNameError",
]


_SEPARATORS = re.compile(r"[\t\n\v\f\r _-]+")
_EEA = "an EU member state, in the EEA"
_UK = "in the United Kingdom"
# Values people write for a fact -> (the vocabulary's value, why), by fact; keys are read
# through normal_name. Only readings that hold whatever the provider: each EU member
# state is in the EEA, as are Iceland, Liechtenstein and Norway; the United States is
# none of the EEA, Switzerland and the UK, so it is the rest of the world.
READINGS: dict[str, dict[str, tuple[str, str]]] = {
    "jurisdiction": {
        **dict.fromkeys(["eu", "european union"], ("eea", "EU member states are in the EEA")),
        **dict.fromkeys(["european economic area"], ("eea", "the European Economic Area")),
        **{
            name: ("eea", _EEA)
            for name in [
                "austria",
                "belgium",
                "bulgaria",
                "croatia",
                "cyprus",
                "czechia",
                "czech-republic",
                "denmark",
                "estonia",
                "finland",
                "france",
                "germany",
                "greece",
                "hungary",
                "ireland",
                "italy",
                "latvia",
                "lithuania",
                "luxembourg",
                "malta",
                "netherlands",
                "poland",
                "portugal",
                "romania",
                "slovakia",
                "slovenia",
                "spain",
                "sweden",
                "at",
                "be",
                "bg",
                "hr",
                "cy",
                "cz",
                "dk",
                "ee",
                "fi",
                "fr",
                "de",
                "gr",
                "el",
                "hu",
                "ie",
                "it",
                "lv",
                "lt",
                "lu",
                "mt",
                "nl",
                "pl",
                "pt",
                "ro",
                "sk",
                "si",
                "es",
                "se",
            ]
        },
        **dict.fromkeys(
            ["iceland", "liechtenstein", "norway", "is", "li", "no"],
            ("eea", "a member of the EEA outside the EU"),
        ),
        **dict.fromkeys(["ch", "swiss"], ("switzerland", "Switzerland")),
        **dict.fromkeys(
            ["united kingdom", "great britain", "britain", "gb", "england", "scotland", "wales"],
            ("uk", _UK),
        ),
        **dict.fromkeys(
            ["us", "usa", "united states", "united states of america"],
            ("rest-of-world", "the United States is not in the EEA, Switzerland or the UK"),
        ),
    }
}


def normal_name(name: str) -> str:
    """``name`` as names are compared: NFKC, lower case, without spaces, tabs, '-' or '_'."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", name).lower())


def not_a_subject(value: str) -> str:
    """The reason given when a subject-typed fact names no subject here."""
    return f"{value!r} is not a subject here: answered as another model"


def read_as(fact: str, value: str, target: str, why: str) -> str:
    """The reason given when a fact's value was read as a vocabulary value."""
    return f"{fact} {value!r} read as {target!r}: {why}"


def unknown_name(what: str, name: str, valid: Iterable[str]) -> UnknownNameError:
    """The error for an unknown name: a "did you mean" and the valid names."""
    names = sorted(valid)
    hint = did_you_mean(name, names)
    return UnknownNameError(
        f"unknown {what} {name!r}"
        + (f"; {hint}" if hint else "")
        + f" Valid {what}s: {', '.join(names)}"
    )


@dataclass(frozen=True)
class CompiledVersion:
    """A version's rules indexed by action, with parents already resolved."""

    key: str
    rules: dict[str, list[CompiledRule]]
    preconditions: dict[str, list[CompiledPrecondition]]
    static: dict[str, Outcome]  # actions whose answer does not depend on any fact
    caveats: tuple[str, ...] = ()  # said by every answer that consults it (errata)

    def outcome(self, action: str, facts: Mapping[str, Any]) -> Outcome:
        """What this version says of ``action`` (shared object for fact-free answers)."""
        found = self.static.get(action)
        if found is not None:
            return found
        return evaluate_version(
            self.rules.get(action, []), self.preconditions.get(action, []), facts
        )

    def conditions(self, action: str) -> list[cond.Condition]:
        """Every condition of this version that bears on ``action`` (rules and preconditions)."""
        found = [r.when for r in self.rules.get(action, []) if r.when is not None]
        return found + [p.unless for p in self.preconditions.get(action, [])]


@dataclass(frozen=True)
class CompiledGovernance:
    """One governing document of a subject over a half-open range of days, with its timeline."""

    document: str
    role: str
    interval: Interval
    when: cond.Condition | None
    timelines: Mapping[str, DocumentTimeline] = field(repr=False, compare=False)
    caveat: str | None
    when_text: str | None = None  # the condition in words (tos_kb.records.wording)

    @property
    def timeline(self) -> DocumentTimeline:
        """The governing document's timeline (unpacked from its shard on first use)."""
        found = self.timelines.get(self.document)
        return NO_TIMELINE if found is None else found

    def change_days(self) -> set[date]:
        """The days inside this range on which its answers can change."""
        days = {self.interval.start}
        if self.interval.end is not None:
            days.add(self.interval.end)
        for placed in self.timeline.placed:
            for day in (placed.interval.start, placed.interval.end):
                if day is not None and self.interval.contains(day):
                    days.add(day)
        return days


NO_TIMELINE = DocumentTimeline([])
REMEMBERED = 16_384  # settled answers kept per index (oldest dropped first)
REMEMBERED_OUTCOMES = 65_536  # version outcomes kept per index (oldest dropped first)


def normal_table(names: Mapping[str, str]) -> dict[str, str]:
    """Each name's :func:`normal_name` -> subject id; a form two subjects share is left out
    (those names then match only as written)."""
    table: dict[str, str] = {}
    shared: set[str] = set()
    for name, subject_id in names.items():
        key = normal_name(name)
        if table.setdefault(key, subject_id) != subject_id:
            shared.add(key)
    return {k: v for k, v in table.items() if k not in shared}


def enum_readings(fact: str, values: Iterable[str]) -> dict[str, tuple[str, str | None]]:
    """What an enum fact's values read as: each value in any case (no reason to give), then
    the :data:`READINGS` of values in the vocabulary (with why)."""
    found: dict[str, tuple[str, str | None]] = {
        normal_name(written): reading
        for written, reading in READINGS.get(fact, {}).items()
        if reading[0] in values
    }
    found.update({normal_name(v): (v, None) for v in values})
    return found


class Index:
    """The compiled archive: names, vocabularies, versions, timelines and governance.

    It also remembers settled answers (:func:`tos_kb.answer.decide.settle`) while
    it lives; that memory is not pickled with it.
    """

    settled: dict[Any, Decision]
    _bounds: dict[str, list[date]]
    _matter: dict[tuple[str, str, int], frozenset[str]]
    _outcomes: dict[Any, Outcome]
    _tested: dict[tuple[str, str], tuple[str, ...]]
    assumed: dict[Any, Any]  # decide.Answered per basis and facts read
    _basis_facts: dict[Any, frozenset[str]]

    def __init__(self, archive: Archive):
        self.settled = {}
        self._bounds = {}
        self._matter = {}
        self._outcomes = {}
        self._tested = {}
        self.assumed = {}
        self._basis_facts = {}
        self.parents: dict[str, str | None] = {a.id: a.parent for a in archive.actions.values()}
        self.action_labels = {a.id: a.label for a in archive.actions.values()}
        self.titles = {d.id: d.title for d in archive.documents.values()}
        self.fact_specs: dict[str, FactSpec] = {
            f.id: FactSpec(f.id, f.type, tuple(f.values) if f.values else None)
            for f in archive.facts.values()
        }
        self.subject_ids = sorted(archive.subjects)
        self.wording = wording_of(archive)
        self.provider_names = {p.id: p.name.split(" (")[0] for p in archive.providers.values()}
        self.names: dict[str, str] = {}
        for subject in archive.subjects.values():
            self.names[subject.id] = subject.id
            for alias in subject.aliases:
                self.names.setdefault(alias, subject.id)
        for provider in archive.providers.values():
            if provider.main_subject:
                self.names.setdefault(provider.id, provider.main_subject)
        self.normal_names = normal_table(self.names)
        self.readings: dict[str, dict[str, tuple[str, str | None]]] = {
            f.id: enum_readings(f.id, f.values) for f in archive.facts.values() if f.values
        }
        self.shelf = Shelf()
        self.versions: dict[str, CompiledVersion] = self.shelf.versions
        self.timelines: dict[str, DocumentTimeline] = self.shelf.timelines
        self.coverage: dict[str, str] = self.shelf.coverage
        self.not_obtained: dict[str, list[tuple[date, str]]] = {
            doc_id: [
                (
                    start,
                    f"{doc_id}: a version effective {m.effective} is reported ({m.source}) "
                    "but not archived",
                )
                for m in document.not_obtained
                if (start := fuzzy_start(m.effective)[0]) is not None
            ]
            for doc_id, document in archive.documents.items()
            if document.not_obtained
        }
        self.latest_start: date | None = None
        self.horizon: dict[str, date] = {}
        for doc_id, entries in archive.versions.items():
            self.add_document(doc_id, entries, archive.documents.get(doc_id))
        self.governance: dict[str, list[CompiledGovernance]] = {
            subject.id: [self._compile_governance(subject.id, g) for g in subject.governed_by]
            for subject in archive.subjects.values()
        }

    def add_document(
        self,
        doc_id: str,
        entries: list[VersionEntry],
        document: Document | None,
        pack: bool = False,
    ) -> None:
        """Compile one document's versions and timeline; ``pack`` shelves them at once.

        Why one at a time: a first compile at archive scale reads a document, compiles
        it and lets its records go (see :mod:`tos_kb.answer.streamed`).
        """
        for entry in entries:
            self.versions[entry.key] = self._compile(entry)
            self.coverage[entry.key] = entry.record.coverage
        timeline = DocumentTimeline([(e.key, e.record) for e in entries])
        self.timelines[doc_id] = timeline
        starts = [p.interval.start for p in timeline.placed]
        if starts:
            latest = max(starts)
            if self.latest_start is None or latest > self.latest_start:
                self.latest_start = latest
        seen = [e.record.verified or e.record.retrieved for e in entries]
        if document is not None and document.last_checked is not None:
            seen.append(document.last_checked)
        if seen:
            self.horizon[doc_id] = max(seen)
        if pack:
            self.shelf.pack(doc_id)

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["settled"] = {}
        state["_bounds"] = {}
        state["_matter"] = {}
        state["_outcomes"] = {}
        state["_tested"] = {}
        state["assumed"] = {}
        state["_basis_facts"] = {}
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.__dict__.setdefault("settled", {})
        self.__dict__.setdefault("_bounds", {})
        self.__dict__.setdefault("_matter", {})
        self.__dict__.setdefault("_outcomes", {})
        self.__dict__.setdefault("_tested", {})
        self.__dict__.setdefault("assumed", {})
        self.__dict__.setdefault("_basis_facts", {})

    def remember(self, key: Any, decision: Decision) -> None:
        """Keep a settled answer for ``key``, dropping the oldest beyond :data:`REMEMBERED`."""
        if len(self.settled) >= REMEMBERED:
            del self.settled[next(iter(self.settled))]
        self.settled[key] = decision

    def remember_assumed(self, key: Any, answered: Any) -> None:
        """Keep the answer to one combination of assumed facts (see ``decide._assume``)."""
        if len(self.assumed) >= REMEMBERED_OUTCOMES:
            del self.assumed[next(iter(self.assumed))]
        self.assumed[key] = answered

    def forget(self) -> None:
        """Drop every remembered answer and outcome (as a freshly loaded index has none)."""
        for memo in (self.settled, self._outcomes, self.assumed):
            memo.clear()

    def basis(self, subject_id: str, action: str, day: date) -> tuple[Any, frozenset[str]]:
        """What the verdict of (subject, action, day) rests on besides the facts, and the
        facts it reads.

        Why: :func:`~tos_kb.answer.decide.decide` reaches its verdict, duties, citations
        and conditions only through the documents governing that day (each one's
        scope condition and version in force, or none) and the conditions of those
        versions for the action, so two questions with the same basis and the same
        values of these facts get them alike, whatever the subject or day (their
        words differ).
        """
        found = []
        for gov in self.documents_on(subject_id, day):
            placed = gov.timeline.at(day)
            key = placed.key if placed is not None else None
            found.append((gov.document, gov.when, gov.when_text, key))
        basis = (action, tuple(found))
        facts = self._basis_facts.get(basis)
        if facts is None:
            conditions = [when for _, when, _, _ in found if when is not None]
            for *_, version in found:
                if version is not None:
                    conditions += self.versions[version].conditions(action)
            facts = frozenset(t.fact for c in conditions for t in cond.tests(c))
            self._basis_facts[basis] = facts
        return basis, facts

    def day_class(self, subject_id: str, day: date) -> int:
        """Which stretch between the days that matter to ``subject_id`` holds ``day``.

        Every comparison an answer makes with its day (governing ranges, versions in
        force and their neighbours, versions reported but not archived, the last day
        the archive saw a document) flips only on one of these days, so two days of
        one class get the same answer in the same words, bar the day itself.
        """
        bounds = self._bounds.get(subject_id)
        if bounds is None:
            days: set[date] = set()
            for gov in self.governance[subject_id]:
                days.update(d for d in (gov.interval.start, gov.interval.end) if d is not None)
                for placed in gov.timeline.placed:
                    days.add(placed.interval.start)
                    if placed.interval.end is not None:
                        days.add(placed.interval.end)
                days.update(start for start, _ in self.not_obtained.get(gov.document, []))
                seen = self.horizon.get(gov.document)
                if seen is not None and seen < date.max:
                    days.add(seen + timedelta(days=1))
            bounds = self._bounds[subject_id] = sorted(days)
        return bisect_right(bounds, day)

    def facts_that_matter(self, subject_id: str, action: str, day: date) -> frozenset[str]:
        """The facts tested by any condition that can bear on (subject, action) on the
        days of the :meth:`day_class` of ``day``.

        Why: on such a day an answer reads the facts only through the scope of each
        document governing then, the rules and preconditions of its version in force
        and, for one with none in force, of its versions on either side of the gap
        (all its versions are taken: a few more facts, never fewer; such answers name
        the day and are not remembered anyway). So two questions whose facts agree on
        these get the same answer, bar the facts echoed back. Only the documents
        governing that day are read, as answering does anyway.
        """
        key = (subject_id, action, self.day_class(subject_id, day))
        found = self._matter.get(key)
        if found is None:
            conditions: list[cond.Condition] = []
            for gov in self.documents_on(subject_id, day):
                if gov.when is not None:
                    conditions.append(gov.when)
                placed = gov.timeline.at(day)
                for version in [placed] if placed is not None else gov.timeline.placed:
                    conditions += self.versions[version.key].conditions(action)
            found = frozenset(t.fact for c in conditions for t in cond.tests(c))
            self._matter[key] = found
        return found

    def outcome(self, key: str, action: str, facts: Mapping[str, Any]) -> Outcome:
        """What version ``key`` says of ``action`` (:meth:`CompiledVersion.outcome`), remembered.

        Why: settling a conditional answer asks the same few versions about every
        combination of the missing facts, and many subjects share a version. A
        version reads the facts only through the tests of its conditions for the
        action, and a fact not given is the same as one given as None, so the
        outcome is remembered per the values of exactly those facts. Outcomes are
        shared, never changed (as the fact-free ones of ``static`` already are).
        """
        version = self.versions[key]
        found = version.static.get(action)
        if found is not None:
            return found
        names = self._tested.get((key, action))
        if names is None:
            tested = {t.fact for c in version.conditions(action) for t in cond.tests(c)}
            names = self._tested[(key, action)] = tuple(sorted(tested))
        values = tuple((type(v), v) if (v := facts.get(n)) is not None else None for n in names)
        memo = (key, action, values)
        try:
            found = self._outcomes.get(memo)
        except TypeError:  # an unhashable value: evaluate without remembering
            return version.outcome(action, facts)
        if found is None:
            found = version.outcome(action, facts)
            if len(self._outcomes) >= REMEMBERED_OUTCOMES:
                del self._outcomes[next(iter(self._outcomes))]
            self._outcomes[memo] = found
        return found

    # --- names -------------------------------------------------------------------------

    def find_subject(self, name: str) -> str | None:
        """The subject id ``name`` means (exactly, else by :func:`normal_name`), or None."""
        found = self.names.get(name)
        return found if found is not None else self.normal_names.get(normal_name(name))

    def resolve_subject(self, name: str) -> str:
        """The subject id that ``name`` (an id, alias or provider id, in any case) means."""
        if not isinstance(name, str):
            raise InputError(f"a subject is named by text; found {shown(name)}")
        found = self.find_subject(name)
        if found is None:
            raise unknown_name("subject", name, self.subject_ids)
        return found

    def check_action(self, action: str) -> None:
        """Raise :class:`UnknownNameError` unless ``action`` is in the vocabulary."""
        if not isinstance(action, str):
            raise InputError(f"an action is named by text; found {shown(action)}")
        if action not in self.parents:
            raise unknown_name("action", action, self.parents)

    def check_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """The facts typed by the vocabulary, subject-typed values resolved to subject ids."""
        return self.read_facts(facts)[0]

    def read_facts(self, facts: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """:meth:`check_facts`, with the reasons to give for values read as another value."""
        clean: dict[str, Any] = {}
        notes: list[str] = []
        for name, value in facts.items():
            spec = self.fact_specs.get(name)
            if spec is None:
                raise unknown_name("fact", name, self.fact_specs)
            if value is None:
                continue
            if spec.type == FactType.ENUM and isinstance(value, str):
                target, why = self.readings.get(name, {}).get(normal_name(value), (value, None))
                if why is not None:
                    notes.append(read_as(name, value, target, why))
                value = target
            value = check_value(name, spec, value)
            if spec.type == FactType.SUBJECT:
                found = self.find_subject(value)
                if found is None:
                    notes.append(not_a_subject(value))
                value = found if found is not None else value
            clean[name] = value
        return clean, notes

    def ancestry(self, action: str) -> list[str]:
        """``action`` and its parents, nearest first."""
        chain: list[str] = []
        current: str | None = action
        while current is not None and current not in chain and current in self.parents:
            chain.append(current)
            current = self.parents[current]
        return chain

    # --- time --------------------------------------------------------------------------

    def in_force(self, document: str, day: date) -> Placed | None:
        """The version of ``document`` in force on ``day``, if one is archived."""
        if document not in self.timelines:
            raise unknown_name("document", document, self.timelines)
        return self.timelines[document].at(day)

    def change_days(self, subject_id: str) -> list[date]:
        """Every day on which some answer about ``subject_id`` can change, in order."""
        days: set[date] = set()
        for gov in self.governance[subject_id]:
            days |= gov.change_days()
        return sorted(days)

    def newest_change(self) -> date | None:
        """The latest day on which a version or a governing range starts (the data's as-of)."""
        starts = [self.latest_start] if self.latest_start is not None else []
        starts += [g.interval.start for ranges in self.governance.values() for g in ranges]
        return max(starts, default=None)

    def unarchived_since(self, document: str, placed: Placed, day: date) -> list[str]:
        """Caveats for versions reported after ``placed`` started and by ``day``, not archived."""
        return [
            f"{text}; this answer rests on {placed.key}"
            for start, text in self.not_obtained.get(document, [])
            if placed.interval.start < start <= day
        ]

    def beyond_horizon(self, document: str, day: date) -> str | None:
        """The caveat for a day after the archive last saw ``document`` in force, if it is."""
        seen = self.horizon.get(document)
        if seen is None or day <= seen:
            return None
        return f"the archive last saw {document} on {seen}; later changes are not archived"

    def between_versions(self, document: str, day: date) -> bool:
        """Whether ``day`` falls after one archived version of ``document`` and before another."""
        placed = self.timelines[document].placed if document in self.timelines else []
        return any(p.interval.start <= day for p in placed) and any(
            p.interval.start > day for p in placed
        )

    def documents_on(self, subject_id: str, day: date) -> list[CompiledGovernance]:
        """The governing ranges of ``subject_id`` that include ``day``."""
        return [g for g in self.governance[subject_id] if g.interval.contains(day)]

    def conditions_for(
        self, subject_id: str, action: str, day: date | None = None
    ) -> list[cond.Condition]:
        """Every condition that can bear on (subject, action), optionally on one day."""
        found: list[cond.Condition] = []
        for gov in self.governance[subject_id]:
            if gov.when is not None:
                found.append(gov.when)
            placed_list = [gov.timeline.at(day)] if day is not None else gov.timeline.placed
            for placed in placed_list:
                if placed is not None:
                    found += self.versions[placed.key].conditions(action)
        return found

    # --- words -------------------------------------------------------------------------

    def provider_name(self, document: str) -> str | None:
        """The name of the provider whose text ``document`` (``provider/doc``) is."""
        return self.provider_names.get(document.split("/", 1)[0])

    def words(self, c: cond.Condition, document: str) -> str:
        """A condition of ``document`` in words, the provider named."""
        return self.wording.condition(c, self.provider_name(document))

    # --- compilation -------------------------------------------------------------------

    def _compile_governance(self, subject_id: str, gov: Governance) -> CompiledGovernance:
        caveat = (
            f"{gov.document} governs {subject_id} from {gov.from_}: {gov.uncertainty}"
            if gov.uncertainty
            else None
        )
        when = gov.parsed_when
        return CompiledGovernance(
            gov.document,
            gov.role,
            gov.interval,
            when,
            self.timelines,
            caveat,
            self.words(when, gov.document) if when is not None else None,
        )

    def _compile(self, entry: VersionEntry) -> CompiledVersion:
        record = entry.record
        own: dict[str, list[CompiledRule]] = {}
        for rule in record.rules:
            when_text = self.words(rule.parsed_when, record.document) if rule.parsed_when else None
            citation = Citation(
                document=record.document,
                version=record.version,
                section=rule.section,
                quote=rule.quote,
                source_url=record.source_url,
                verdict=rule.verdict.value,
                action=rule.action,
                quote_file=rule.quote_file,
                note=rule.note,
                condition=when_text,
            )
            own.setdefault(rule.action, []).append(
                CompiledRule(
                    rule.verdict,
                    rule.parsed_when,
                    tuple(rule.obligations),
                    rule.condition,
                    rule.note,
                    rule.quote,
                    citation,
                    when_text,
                    _see_citations(citation, rule.see),
                    rule.excerpt_complete,
                )
            )
        unless_texts = [self.words(p.parsed_unless, record.document) for p in record.preconditions]
        compiled_pre = []
        for pre, text in zip(record.preconditions, unless_texts, strict=True):
            citation = Citation(
                document=record.document,
                version=record.version,
                section=pre.section,
                quote=pre.quote,
                source_url=record.source_url,
                verdict="precondition",
                action=",".join(pre.actions or ["*"]),
                kind="precondition",
                quote_file=pre.quote_file,
                note=pre.note,
                condition=f"unless {text}",
            )
            compiled_pre.append(
                CompiledPrecondition(
                    pre.parsed_unless,
                    frozenset(pre.actions) if pre.actions else None,
                    citation,
                    text,
                    _see_citations(citation, pre.see),
                )
            )
        rules: dict[str, list[CompiledRule]] = {}
        preconditions: dict[str, list[CompiledPrecondition]] = {}
        for action in self.parents:
            chain = self.ancestry(action)
            for candidate in chain:
                if candidate in own:
                    rules[action] = own[candidate]
                    break
            preconditions[action] = [
                p for p in compiled_pre if p.actions is None or p.actions.intersection(chain)
            ]
        static = {
            action: evaluate_version(found, [], {})
            for action, found in rules.items()
            if not preconditions[action] and all(r.when is None for r in found)
        }
        caveats = tuple(erratum.caveat(entry.key) for erratum in record.errata)
        return CompiledVersion(entry.key, rules, preconditions, static, caveats)


def wording_of(archive: Archive) -> Wording:
    """The sentence renderer with the vocabulary's fact wordings and the subjects' names."""
    facts = {
        f.id: FactWording(
            f.wording.if_true,
            f.wording.if_false,
            f.wording.template,
            f.wording.negated,
            dict(f.wording.values or {}),
        )
        for f in archive.facts.values()
        if f.wording is not None
    }
    names = {OTHER_STUDENT: "another model", **{s.id: s.name for s in archive.subjects.values()}}
    return Wording(facts, names)


def _see_citations(cited: Citation, see: list[SeeQuote]) -> tuple[Citation, ...]:
    """A rule's further quotes as citations of the same version, action and verdict."""
    return tuple(
        replace(
            cited,
            section=further.section,
            quote=further.quote,
            kind=further.kind,
            quote_file=further.quote_file,
            note=None,
            why=further.why,
        )
        for further in see
    )
