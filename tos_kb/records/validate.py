"""Checks that span records: vocabulary, dates, coverage, subjects, hashes and quotes.

Why: the schema says a record is well-formed; these checks say it is true to
the archive. ``check_structure`` is cheap and runs on every load;
``check_texts`` reads every archived text (hashes, verbatim quotes) and runs
in ``tos-kb validate`` and CI.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tos_kb.errors import ArchiveFileError
from tos_kb.records import conditions as cond
from tos_kb.records import files
from tos_kb.records.crossrefs import unanswered
from tos_kb.records.dates import UNKNOWN, fuzzy_start, version_date_part
from tos_kb.records.facts import accepts, wrong_type
from tos_kb.records.loader import RECORD_FILE, TEXT_FILE, Archive, VersionEntry
from tos_kb.records.mapping import check_cited_files, check_ota_mapping
from tos_kb.records.models import Document, FactType, Governance, SeeQuote, VersionRecord
from tos_kb.records.problems import Problem, did_you_mean
from tos_kb.records.quotes import NORMALISATION, NormalisedText, closest_passage
from tos_kb.records.timeline import version_start


def check_structure(archive: Archive) -> list[Problem]:
    """Cross-record checks that need no text: returns the problems found (also stored)."""
    before = len(archive.problems)
    _check_actions(archive)
    for doc_id, entries in archive.versions.items():
        _check_document(archive, doc_id, entries)
    _check_subjects(archive)
    _check_rejected_structure(archive)
    check_ota_mapping(archive)
    for provider in archive.providers.values():
        if provider.main_subject and provider.main_subject not in archive.subjects:
            path = archive.root / provider.id / "provider.yaml"
            archive.add(
                path,
                f"unknown subject '{provider.main_subject}'",
                None,
                ("main_subject",),
                hint=did_you_mean(provider.main_subject, archive.subjects),
            )
    return archive.problems[before:]


def check_document_structure(archive: Archive) -> None:
    """The part of :func:`check_structure` that concerns each document's own files.

    Run on an archive holding some documents' versions (see :mod:`tos_kb.records.pool`),
    it reports what :func:`check_structure` reports in those documents' files.
    """
    for doc_id, entries in archive.versions.items():
        _check_document(archive, doc_id, entries)
    _check_rejected_structure(archive)
    check_cited_files(archive)


def check_texts(archive: Archive) -> list[Problem]:
    """Hash and verbatim-quote checks against the archived texts."""
    before = len(archive.problems)
    check_version_texts(archive)
    check_evidence(archive)
    return archive.problems[before:]


TextReader = Callable[[VersionEntry, str | None], NormalisedText | None]


def _text_reader() -> TextReader:
    """Each text read and normalised once, however many quotes cite it."""
    texts: dict[Path, NormalisedText | None] = {}

    def text_of(entry: VersionEntry, name: str | None) -> NormalisedText | None:
        path = entry.text_path(name)
        if path not in texts:
            try:
                texts[path] = NormalisedText(entry.read_text(name))
            except (OSError, UnicodeDecodeError, ArchiveFileError):
                texts[path] = None
        return texts[path]

    return text_of


def check_version_texts(archive: Archive) -> None:
    """Hashes and quotes of every version the archive holds (and of the records it rejected)."""
    for entries in archive.versions.values():
        for entry in entries:
            text_of = _text_reader()  # a version's quotes cite its own texts: keep one at a time
            _check_hashes(archive, entry)
            for loc, quote, name in _quotes_of(entry):
                _check_quote(
                    archive,
                    entry.folder / RECORD_FILE,
                    entry,
                    loc,
                    quote,
                    name,
                    text_of(entry, name),
                )
    _check_rejected_texts(archive)


def check_evidence(archive: Archive) -> None:
    """The subjects' evidence quotes, in the versions they cite."""
    text_of = _text_reader()
    for subject in archive.subjects.values():
        path, located = archive.sources[f"subject:{subject.id}"]
        for gi, gov in enumerate(subject.governed_by):
            for ei, ev in enumerate(gov.evidence):
                cited = _find_version(archive, ev.document, ev.version)
                loc = ("governed_by", gi, "evidence", ei)
                if cited is None:
                    archive.add(
                        path,
                        f"no archived version {ev.document}@{ev.version}",
                        located,
                        loc,
                        code="reference",
                    )
                    continue
                text = text_of(cited, ev.quote_file)
                if text is not None and not text.contains(ev.quote):
                    archive.add(
                        path,
                        f"evidence quote not found verbatim in {ev.document}@{ev.version}",
                        located,
                        (*loc, "quote"),
                        found=_short(ev.quote),
                        allowed=NORMALISATION,
                        hint=_hint(ev.quote, text.original),
                        code="quote",
                    )


# --- vocabulary ------------------------------------------------------------------


def _check_actions(archive: Archive) -> None:
    path = archive.root / "vocabulary" / "actions.yaml"
    for action in archive.actions.values():
        seen = {action.id}
        parent = action.parent
        while parent is not None:
            if parent not in archive.actions:
                archive.add(
                    path,
                    f"action '{action.id}' has an unknown parent '{parent}'",
                    hint=did_you_mean(parent, archive.actions),
                )
                break
            if parent in seen:
                archive.add(path, f"action '{action.id}' is its own ancestor")
                break
            seen.add(parent)
            parent = archive.actions[parent].parent


def fact_checker(archive: Archive) -> cond.FactTypeCheck:
    """A check that a condition names a known fact with a value of its type."""

    def check(fact: str, value: Any, path: tuple[str | int, ...]) -> None:
        definition = archive.facts.get(fact)
        if definition is None:
            hint = did_you_mean(fact, archive.facts)
            raise cond.ConditionError(
                f"unknown fact '{fact}'"
                + (f"; {hint}" if hint else f"; known facts: {', '.join(archive.facts)}"),
                path,
            )
        if not accepts(definition, value):
            raise cond.ConditionError(wrong_type(fact, definition, value), path)
        if (
            definition.type == FactType.SUBJECT
            and value not in archive.subjects
            and not any(value in s.aliases for s in archive.subjects.values())
        ):
            hint = did_you_mean(value, _subject_names(archive))
            raise cond.ConditionError(
                f"{fact} '{value}' is not a known subject or alias" + (f"; {hint}" if hint else ""),
                path,
            )

    return check


def _subject_names(archive: Archive) -> list[str]:
    return [*archive.subjects, *(a for s in archive.subjects.values() for a in s.aliases)]


def _check_condition(
    archive: Archive,
    path: Path,
    entry_source: Any,
    raw: dict[str, Any] | None,
    loc: tuple[str | int, ...],
) -> None:
    if raw is None:
        return
    try:
        cond.parse(raw, fact_checker(archive), loc)
    except cond.ConditionError as exc:
        archive.add(path, str(exc), entry_source, exc.path, code="condition")


# --- documents and versions ------------------------------------------------------------


def _ancestors(archive: Archive, action: str) -> Iterator[str]:
    seen: set[str] = set()
    current: str | None = action
    while current is not None and current not in seen and current in archive.actions:
        seen.add(current)
        yield current
        current = archive.actions[current].parent


def _check_document(archive: Archive, doc_id: str, entries: list[VersionEntry]) -> None:
    document = archive.documents.get(doc_id)
    governs = True
    if document is not None:
        governs = _check_document_record(archive, doc_id, document, entries)
        if not entries and not any((archive.root / doc_id).glob("*/record.yaml")):
            archive.add(
                archive.root / doc_id / "document.yaml",
                "the document has no versions",
                hint="add a folder named by the version's date with text.txt and record.yaml",
            )
    starts: dict[Any, str] = {}
    for entry in entries:
        _check_version(archive, entry, governs)
        start = version_start(entry.record)
        if start is not None:
            if start.day in starts:
                archive.add(
                    entry.folder / RECORD_FILE,
                    f"two versions of {doc_id} start on {start.day.isoformat()} "
                    f"({starts[start.day]} and {entry.record.version})",
                    entry.source,
                    ("effective",),
                    hint="each version needs its own start date",
                )
            starts[start.day] = entry.record.version


def _check_document_record(
    archive: Archive, doc_id: str, document: Document, entries: list[VersionEntry]
) -> bool:
    """The document's kind, missing versions and predecessor; whether its kind governs."""
    doc_path = archive.root / doc_id / "document.yaml"
    _, located = archive.sources[f"document:{doc_id}"]
    kind = archive.kinds.get(document.kind)
    if kind is None:
        archive.add(
            doc_path,
            f"unknown document kind '{document.kind}'",
            located,
            ("kind",),
            allowed=", ".join(archive.kinds),
            hint=did_you_mean(document.kind, archive.kinds),
        )
    archived = {e.record.effective for e in entries} | {e.record.version for e in entries}
    for i, missing in enumerate(document.not_obtained):
        if missing.effective in archived:
            archive.add(
                doc_path,
                f"the version effective {missing.effective} is archived now",
                located,
                ("not_obtained", i),
                hint="remove this not_obtained entry",
            )
    if document.succeeds and document.succeeds not in archive.documents:
        archive.add(
            doc_path,
            f"unknown document '{document.succeeds}'",
            located,
            ("succeeds",),
            hint=did_you_mean(document.succeeds, archive.documents),
        )
    return kind.governs if kind is not None else True


def _check_version(archive: Archive, entry: VersionEntry, governs: bool) -> None:
    _check_version_dates(archive, entry)
    _check_rules(archive, entry, governs)
    _check_text_names(archive, entry)


def _check_version_dates(archive: Archive, entry: VersionEntry) -> None:
    """The folder name, the effective date and the in-force days agree."""
    record, located = entry.record, entry.source
    path = entry.folder / RECORD_FILE
    named = version_date_part(record.version)
    if named is None:
        if record.effective != UNKNOWN:
            archive.add(
                path,
                "an undated version folder needs effective: unknown",
                located,
                ("effective",),
                found=record.effective,
                hint=f"rename the folder to {record.effective}",
            )
    elif record.effective == UNKNOWN:
        if named not in {d.isoformat() for d in record.in_force_on}:
            archive.add(
                path,
                "effective is unknown, so the folder must be named by a day listed in in_force_on",
                located,
                ("in_force_on",),
                found=str([d.isoformat() for d in record.in_force_on]),
                allowed=f"a list containing {named}",
            )
    elif record.effective != named:
        archive.add(
            path,
            "the effective date must match the folder name",
            located,
            ("effective",),
            found=record.effective,
            allowed=named,
        )
    if record.effective != UNKNOWN and record.in_force_on:
        start, _ = fuzzy_start(record.effective)
        early = [d for d in record.in_force_on if start and d < start]
        if early:
            archive.add(
                path,
                "a day in in_force_on comes before the effective date",
                located,
                ("in_force_on",),
                found=early[0].isoformat(),
            )


def _check_rules(archive: Archive, entry: VersionEntry, governs: bool) -> None:
    """Actions and conditions of the rules and preconditions; core actions covered."""
    record, located = entry.record, entry.source
    path = entry.folder / RECORD_FILE
    for i, pre in enumerate(record.preconditions):
        _check_condition(archive, path, located, pre.unless, ("preconditions", i, "unless"))
        for j, action in enumerate(pre.actions or []):
            _check_action_id(archive, path, located, action, ("preconditions", i, "actions", j))
    covered: set[str] = set()
    for i, rule in enumerate(record.rules):
        if _check_action_id(archive, path, located, rule.action, ("rules", i, "action")):
            covered.add(rule.action)
        _check_condition(archive, path, located, rule.when, ("rules", i, "when"))
    for loc, quote, see in _cited(record):
        _check_pointers(archive, path, located, record, loc, quote, see)
    if governs:
        _check_coverage(archive, path, located, covered)
    elif record.rules or record.preconditions:
        archive.add(
            path,
            "licensing evidence carries no rules",
            located,
            ("rules",),
            hint="cite its quotes as evidence in subjects instead",
        )


def _check_text_names(archive: Archive, entry: VersionEntry) -> None:
    """Each text has its own file name, and each erratum corrects another text."""
    record, located = entry.record, entry.source
    path = entry.folder / RECORD_FILE
    names = [name for name, _, _ in record.texts()]
    if len(set(names)) != len(names):
        archive.add(path, "each text of a version needs its own file name", located, ("also",))
    for i, erratum in enumerate(record.errata):
        if erratum.corrects not in names or erratum.corrects == erratum.file:
            archive.add(
                path,
                f"erratum {erratum.file} corrects '{erratum.corrects}', which is not "
                "another text of this version",
                located,
                ("errata", i, "corrects"),
                allowed=", ".join(n for n in names if n != erratum.file),
            )


def _check_coverage(archive: Archive, path: Path, located: Any, covered: set[str]) -> None:
    """Every core action has a rule, its own or a parent's."""
    for definition in archive.actions.values():
        if (
            definition.core
            and not definition.deprecated
            and not any(a in covered for a in _ancestors(archive, definition.id))
        ):
            archive.add(
                path,
                f"no rule for the core action '{definition.id}'",
                located,
                ("rules",),
                code="coverage",
                hint="add a rule; if the text does not address it, write "
                "verdict: silent with a note saying so",
            )


# --- records the schema rejected: the checks that can still run on the raw data -----


def _raw_items(data: Any, key: str) -> list[tuple[int, dict[str, Any]]]:
    items = data.get(key) if isinstance(data, dict) else None
    return (
        [(i, x) for i, x in enumerate(items or []) if isinstance(x, dict)]
        if isinstance(items, list)
        else []
    )


def _check_rejected_structure(archive: Archive) -> None:
    """Core-action coverage of a record the schema rejected, from its raw rules."""
    for path, located in archive.rejected:
        document = archive.documents.get(
            f"{path.parent.parent.parent.name}/{path.parent.parent.name}"
        )
        kind = archive.kinds.get(document.kind) if document else None
        if kind is None or not kind.governs:
            continue
        covered = {
            rule["action"]
            for _, rule in _raw_items(located.data, "rules")
            if isinstance(rule.get("action"), str) and rule["action"] in archive.actions
        }
        _check_coverage(archive, path, located, covered)


def _check_rejected_texts(archive: Archive) -> None:
    """Hash and verbatim quotes of a record the schema rejected, from its raw fields."""
    for path, located in archive.rejected:
        data = located.data if isinstance(located.data, dict) else {}
        text_path = path.parent / TEXT_FILE
        try:
            raw = files.read_bytes(text_path, archive.root)
        except (OSError, ArchiveFileError):
            continue
        expected = data.get("sha256")
        actual = hashlib.sha256(raw).hexdigest()
        if isinstance(expected, str) and expected != actual:
            _hash_mismatch(archive, path, located, ("sha256",), TEXT_FILE, expected, actual)
        try:
            text = NormalisedText(raw.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        for key in ("rules", "preconditions"):
            for i, item in _raw_items(data, key):
                quote = item.get("quote")
                if not isinstance(quote, str) or item.get("quote_file") not in (None, TEXT_FILE):
                    continue
                if not text.contains(quote):
                    _quote_missing(archive, path, located, (key, i, "quote"), quote, None, text)


def _check_action_id(
    archive: Archive, path: Path, located: Any, action: str, loc: tuple[str | int, ...]
) -> bool:
    if action in archive.actions:
        return True
    archive.add(
        path,
        f"unknown action '{action}'",
        located,
        loc,
        code="vocabulary",
        allowed=", ".join(archive.actions),
        hint=did_you_mean(action, archive.actions),
    )
    return False


def _cited(
    record: VersionRecord,
) -> Iterator[tuple[tuple[str | int, ...], str, list[SeeQuote]]]:
    """Each quoting rule and precondition: (where, its quote, its further quotes)."""
    for i, pre in enumerate(record.preconditions):
        yield ("preconditions", i), pre.quote, pre.see
    for i, rule in enumerate(record.rules):
        if rule.quote:
            yield ("rules", i), rule.quote, rule.see


def _quotes_of(entry: VersionEntry) -> Iterator[tuple[tuple[str | int, ...], str, str | None]]:
    for i, pre in enumerate(entry.record.preconditions):
        yield ("preconditions", i, "quote"), pre.quote, pre.quote_file
    for i, rule in enumerate(entry.record.rules):
        if rule.quote:
            yield ("rules", i, "quote"), rule.quote, rule.quote_file
    for loc, _, see in _cited(entry.record):
        for j, further in enumerate(see):
            if further.quote:
                yield (*loc, "see", j, "quote"), further.quote, further.quote_file


def coverage_of(record: VersionRecord, name: str | None) -> str:
    """Whether the named text of a version (default text.txt) is full or an excerpt."""
    for extra in record.also:
        if extra.file == name:
            return extra.coverage
    return record.coverage


def _check_pointers(
    archive: Archive,
    path: Path,
    located: Any,
    record: VersionRecord,
    loc: tuple[str | int, ...],
    quote: str,
    see: list[SeeQuote],
) -> None:
    """A quote that points to another clause (or a definition) must quote that one too."""
    for j, further in enumerate(see):
        if further.quote is None and coverage_of(record, further.quote_file) != "excerpt":
            archive.add(
                path,
                "a further quote needs its words: the text it cites is not an excerpt",
                located,
                (*loc, "see", j, "quote"),
                code="cross-reference",
                hint="copy the clause from the version's text; only an excerpt that does not "
                "reach the clause may leave the quote out",
            )
    for pointer, words in unanswered(quote, [s.kind for s in see]):
        what = "clause" if pointer.kind == "referenced-clause" else "definition"
        archive.add(
            path,
            f"the quote points to another {what} ({words!r}) without quoting it",
            located,
            (*loc, "quote"),
            code="cross-reference",
            found=_short(quote),
            hint=f"quote the {what} it points to under see: with kind: {pointer.kind}, "
            "section, quote (verbatim from the version's text) and why",
        )


def _check_hashes(archive: Archive, entry: VersionEntry) -> None:
    path = entry.folder / RECORD_FILE
    for name, expected, loc in entry.record.texts():
        text_path = entry.text_path(name)
        try:
            data = entry.read_bytes(name)
        except ArchiveFileError as exc:
            if text_path not in archive.special:
                archive.add(path, f"{name}: {exc}", entry.source, loc, code="file")
            continue
        except OSError:
            archive.add(
                path,
                f"the text file {name} is missing",
                entry.source,
                loc,
                code="text",
                hint=f"put the verbatim text in {archive.where(text_path)}",
            )
            continue
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            archive.add(path, f"{name} is not UTF-8 text", entry.source, loc, code="text")
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected:
            _hash_mismatch(archive, path, entry.source, loc, name, expected, actual)


def _hash_mismatch(
    archive: Archive,
    path: Path,
    located: Any,
    loc: tuple[str | int, ...],
    name: str,
    expected: str,
    actual: str,
) -> None:
    """The one report of a text whose bytes no longer have the recorded sha256."""
    archive.add(
        path,
        f"sha256 does not match {name}",
        located,
        loc,
        found=expected,
        allowed=actual,
        code="hash",
        hint="if the text was changed after archiving, restore it; texts are never edited in place",
    )


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _hint(quote: str, text: str) -> str:
    near = closest_passage(quote, text)
    return (
        f"the text reads: {_short(near, 160)!r}"
        if near
        else ("copy the words from the text file instead of retyping them")
    )


def _check_quote(
    archive: Archive,
    path: Path,
    entry: VersionEntry,
    loc: tuple[str | int, ...],
    quote: str,
    name: str | None,
    text: NormalisedText | None,
) -> None:
    texts = [text_name for text_name, _, _ in entry.record.texts()]
    if name and name not in texts:
        archive.add(
            path,
            f"quote_file '{name}' is not a text of this version",
            entry.source,
            loc,
            code="quote",
            allowed=", ".join(texts),
            hint="list the file under also: or errata: with its sha256",
        )
        return
    if text is None:
        return  # a missing text.txt is reported by the hash check
    if not text.contains(quote):
        _quote_missing(archive, path, entry.source, loc, quote, name, text)


def _quote_missing(
    archive: Archive,
    path: Path,
    located: Any,
    loc: tuple[str | int, ...],
    quote: str,
    name: str | None,
    text: NormalisedText,
) -> None:
    """The one report of a quote that is not verbatim in the text it cites."""
    archive.add(
        path,
        f"quote not found verbatim in {name or TEXT_FILE}",
        located,
        loc,
        found=_short(quote),
        allowed=NORMALISATION,
        hint=_hint(quote, text.original),
        code="quote",
    )


# --- subjects ------------------------------------------------------------------------


def _find_version(archive: Archive, document: str, version: str) -> VersionEntry | None:
    for entry in archive.versions.get(document, []):
        if entry.record.version == version:
            return entry
    return None


def _check_subjects(archive: Archive) -> None:
    owners: dict[str, str] = {}
    for subject in archive.subjects.values():
        for name in [subject.id, *subject.aliases]:
            if name in owners and owners[name] != subject.id:
                path, located = archive.sources[f"subject:{subject.id}"]
                archive.add(
                    path,
                    f"'{name}' already names subject '{owners[name]}'",
                    located,
                    ("aliases",),
                    code="reference",
                )
            owners.setdefault(name, subject.id)
    for subject in archive.subjects.values():
        path, located = archive.sources[f"subject:{subject.id}"]
        if subject.provider not in archive.providers:
            archive.add(
                path,
                f"unknown provider '{subject.provider}'",
                located,
                ("provider",),
                hint=did_you_mean(subject.provider, archive.providers),
            )
        if not subject.governed_by:
            archive.add(
                path, "a subject needs at least one governing document", located, ("governed_by",)
            )
        for i, gov in enumerate(subject.governed_by):
            _check_governance(archive, path, located, ("governed_by", i), gov)
        _check_overlaps(archive, path, located, subject.governed_by)


def _check_governance(
    archive: Archive, path: Path, located: Any, loc: tuple[str | int, ...], gov: Governance
) -> None:
    """A governing range names a document that exists and may govern, under a valid condition."""
    document = archive.documents.get(gov.document)
    if document is None:
        archive.add(
            path,
            f"unknown document '{gov.document}'",
            located,
            (*loc, "document"),
            code="reference",
            hint=did_you_mean(gov.document, archive.documents),
        )
    elif document.kind in archive.kinds and not archive.kinds[document.kind].governs:
        archive.add(
            path,
            f"'{gov.document}' is licensing evidence and cannot govern",
            located,
            (*loc, "document"),
            hint="cite it under evidence: and name the licence it points to",
        )
    _check_condition(archive, path, located, gov.when, (*loc, "when"))


def _check_overlaps(
    archive: Archive, path: Path, located: Any, governed_by: list[Governance]
) -> None:
    """Ranges of the same role under the same condition do not overlap."""
    groups: dict[tuple[str, str], list[tuple[int, Governance]]] = defaultdict(list)
    for i, gov in enumerate(governed_by):
        key = (gov.role, repr(sorted((gov.when or {}).items())))
        groups[key].append((i, gov))
    for items in groups.values():
        for a, (_i, first) in enumerate(items):
            for j, second in items[a + 1 :]:
                if _overlap(first, second):
                    archive.add(
                        path,
                        f"governing ranges of role '{first.role}' overlap: "
                        f"{first.document} and {second.document}",
                        located,
                        ("governed_by", j, "from"),
                        code="range",
                        hint="end the earlier range ('until') where the later "
                        "begins, or give them different roles",
                    )


def _overlap(a: Governance, b: Governance) -> bool:
    return a.interval.overlaps(b.interval)
