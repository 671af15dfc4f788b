"""One page per archived version: dates, sources, hash, rules with quotes, the verbatim text.

Anchors are stable: ``rule-3`` is the fourth rule of the record, ``q-3`` its
quote in the text, ``q-3-see-0`` the first further quote (``see``) of that
rule, ``pre-0``/``qp-0`` the first precondition, ``qe-1`` a
subject's evidence quote, ``L12`` line 12 of text.txt and ``<file>-L12``
line 12 of another text of the version.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from tos_kb.answer.decision import NOT_ARCHIVED, SEE_KINDS
from tos_kb.records import conditions as cond
from tos_kb.records.dates import Interval
from tos_kb.records.loader import VersionEntry
from tos_kb.records.models import Governance, Precondition, Rule, SeeQuote

from . import paths
from .context import Site
from .markup import PageSource, badge, code, dl, esc, ext_link, link, paragraphs, table
from .verbatim import Quote, render

Words = Callable[[cond.Condition, str], str]  # a condition of a document, in words

TEXT_FILE = "text.txt"


def _prefix(name: str) -> str:
    """Anchor prefix of a text file (empty for text.txt)."""
    if name == TEXT_FILE:
        return ""
    return "t-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def anchor_for_rule(index: int) -> str:
    """Anchor of a rule's quote in the text."""
    return f"q-{index}"


def anchor_for_see(owner: str, index: int) -> str:
    """Anchor of a further quote (``see``) of the rule or precondition anchored at ``owner``."""
    return f"{owner}-see-{index}"


def find_rule(entry: VersionEntry, citation: dict) -> str | None:
    """The anchor of the rule, precondition or further quote a citation points at, if found."""
    quote = citation.get("quote")
    if citation.get("kind") in SEE_KINDS:
        owners: list[tuple[str, list[SeeQuote]]] = [
            (anchor_for_rule(i), r.see)
            for i, r in enumerate(entry.record.rules)
            if r.action == citation.get("action")
        ]
        owners += [(f"qp-{i}", p.see) for i, p in enumerate(entry.record.preconditions)]
        for owner, see in owners:
            for j, further in enumerate(see):
                if further.quote == quote:
                    return anchor_for_see(owner, j)
        return None
    if citation.get("kind") == "precondition":
        for i, pre in enumerate(entry.record.preconditions):
            if pre.quote == quote:
                return f"qp-{i}"
        return None
    for i, rule in enumerate(entry.record.rules):
        if rule.quote == quote and rule.action == citation.get("action"):
            return anchor_for_rule(i)
    return None


def pages(site: Site) -> Iterator[PageSource]:
    """Every version's page."""
    for record in site.kb.versions():
        yield version_page(site, f"{record.document}@{record.version}")


def _quotes_by_file(site: Site, key: str, entry: VersionEntry) -> dict[str, list[Quote]]:
    by_file: dict[str, list[Quote]] = {}
    for i, rule in enumerate(entry.record.rules):
        if rule.quote:
            by_file.setdefault(rule.quote_file or TEXT_FILE, []).append(
                Quote(anchor_for_rule(i), rule.quote)
            )
    for i, pre in enumerate(entry.record.preconditions):
        by_file.setdefault(pre.quote_file or TEXT_FILE, []).append(Quote(f"qp-{i}", pre.quote))
    owners = [(anchor_for_rule(i), r.see) for i, r in enumerate(entry.record.rules)]
    owners += [(f"qp-{i}", p.see) for i, p in enumerate(entry.record.preconditions)]
    for owner, see in owners:
        for j, further in enumerate(see):
            if further.quote:
                by_file.setdefault(further.quote_file or TEXT_FILE, []).append(
                    Quote(anchor_for_see(owner, j), further.quote)
                )
    for ev in site.evidence.get(key, []):
        by_file.setdefault(ev.quote_file or TEXT_FILE, []).append(Quote(f"qe-{ev.index}", ev.quote))
    return by_file


def _texts(entry: VersionEntry) -> list[tuple[str, str]]:
    """(file name, title) of every text of the version, text.txt first."""
    return [(TEXT_FILE, "Verbatim text"), *((a.file, a.title) for a in entry.record.also)]


def version_page(site: Site, key: str) -> PageSource:
    """The page of one version: dates, sources, subjects, rules, evidence, then the texts."""
    entry = site.kb.version(key)
    record = entry.record
    src = paths.version(key)
    page = PageSource(src, key, edit=f"{record.document}/{record.version}/record.yaml")
    # Texts first: rule cards link to the line where each quote stands.
    rendered = _rendered_texts(site, key, entry)
    found = {a for _, lines in rendered.values() for a in lines}
    page.html(_intro(site, src, key, entry))
    page.heading(2, "Dates", "dates")
    page.html(_dates(site, key, entry))
    _sources(page, site, src, key, entry)
    _subjects_governed(page, site, src, entry.key)
    _rules(page, entry, found, site.kb.index.words)
    _evidence(page, site, src, key, found)
    for name, title in _texts(entry):
        anchor = "text" if name == TEXT_FILE else _prefix(name)
        page.heading(2, f"{title} ({name})", f"{anchor}-heading")
        page.html(rendered[name][0])
    return page


def _rendered_texts(
    site: Site, key: str, entry: VersionEntry
) -> dict[str, tuple[str, dict[str, int]]]:
    """Each text of the version as HTML with its quotes marked, and where each quote stands."""
    rendered: dict[str, tuple[str, dict[str, int]]] = {}
    quotes = _quotes_by_file(site, key, entry)
    for name, _title in _texts(entry):
        try:
            text = entry.read_text(None if name == TEXT_FILE else name)
        except OSError:
            rendered[name] = ('<p class="tk-warning">This text file is missing.</p>', {})
            continue
        rendered[name] = render(text, quotes.get(name, []), _prefix(name))
    return rendered


def _intro(site: Site, src: str, key: str, entry: VersionEntry) -> str:
    record = entry.record
    doc = site.kb.documents.get(record.document)
    return "".join(
        [
            f'<p class="tk-lede">{esc(record.title)}</p>',
            "<p>",
            "Version of ",
            link(site.href(src, paths.document(record.document)), record.document),
            f" ({esc(doc.title)})" if doc else "",
            ". ",
            _neighbours(site, src, key),
            "</p>",
        ]
    )


def _governs(site: Site, key: str, document: str) -> str:
    """Over which days the version governs, or why it is not placed on the calendar."""
    timeline = site.kb.timeline(document)
    placed = next((p for p in timeline.placed if p.key == key), None)
    if placed is not None:
        end = placed.interval.end.isoformat() if placed.interval.end else "still in force"
        return (
            f"from {esc(placed.interval.start.isoformat())} until {esc(end)}"
            + (" (exclusive)" if placed.interval.end else "")
            + (
                f'<br><span class="tk-caveat">{esc(placed.start.caveat)}</span>'
                if placed.start.caveat
                else ""
            )
        )
    if key in timeline.undated:
        return (
            "undated: not placed on the calendar (evidence only, or applies over the "
            "range its subject gives when it is the document's only text)"
        )
    return ""


def _dates(site: Site, key: str, entry: VersionEntry) -> str:
    record = entry.record
    return dl(
        [
            ("Effective", esc(record.effective)),
            ("Basis", esc(record.effective_basis)),
            ("Governs", _governs(site, key, record.document)),
            ("Published", esc(record.published or "")),
            ("Attested in force on", esc(", ".join(d.isoformat() for d in record.in_force_on))),
            ("Retrieved", esc(record.retrieved.isoformat())),
            ("Verified", esc(record.verified.isoformat() if record.verified else "")),
            ("Withdrawn", esc(record.withdrawn.isoformat() if record.withdrawn else "")),
        ]
    )


def _sources(page: PageSource, site: Site, src: str, key: str, entry: VersionEntry) -> None:
    """Where the text comes from, its hash, and the version's other texts."""
    record = entry.record
    page.heading(2, "Sources", "sources")
    text_link = link(site.href(src, paths.version_text(key)), "text.txt")
    excerpt = " — only the sections shown were archived" if record.coverage == "excerpt" else ""
    rows = [
        ("Source", ext_link(record.source_url)),
        ("Obtained from", esc(record.obtained_from)),
        ("Coverage", esc(record.coverage) + excerpt),
        ("SHA-256", f"{code(record.sha256)} of {text_link}"),
    ]
    page.html(dl(rows) + paragraphs(record.notes))
    if record.also:
        page.html(_other_texts(site, src, key, entry))


def _other_texts(site: Site, src: str, key: str, entry: VersionEntry) -> str:
    rows = [
        [
            esc(a.title),
            link(site.href(src, paths.version_text(key, a.file)), a.file),
            esc(a.coverage),
            ext_link(a.source_url) if a.source_url else "",
            esc(a.obtained_from),
            code(a.sha256),
        ]
        for a in entry.record.also
    ]
    headers = ["Other text", "File", "Coverage", "Source", "Obtained from", "SHA-256"]
    return table(headers, rows)


def version_window(site: Site, key: str) -> Interval | None:
    """The days this version is in force (its place on its document's timeline), if placed."""
    document = key.split("@", 1)[0]
    placed = next((p for p in site.kb.timeline(document).placed if p.key == key), None)
    return placed.interval if placed is not None else None


def subjects_of_version(site: Site, key: str) -> list[tuple[str, Governance, Interval]]:
    """The subjects this version governs, each with the days it does (its window cut by the
    subject's range); an undated version governs over its subjects' whole ranges."""
    document = key.split("@", 1)[0]
    window = version_window(site, key)
    found: list[tuple[str, Governance, Interval]] = []
    for sid, gov in site.governs.get(document, []):
        if window is None:
            found.append((sid, gov, gov.interval))
            continue
        start = max(window.start, gov.interval.start)
        ends = [e for e in (window.end, gov.interval.end) if e is not None]
        end = min(ends) if ends else None
        if end is None or start < end:
            found.append((sid, gov, Interval(start, end)))
    return found


def _subjects_governed(page: PageSource, site: Site, src: str, key: str) -> None:
    governs = subjects_of_version(site, key)
    if not governs:
        return
    page.heading(2, "Subjects this version governs", "subjects")
    rows = [
        [
            link(site.href(src, paths.subject(sid)), sid),
            esc(gov.role),
            esc(days.start.isoformat()),
            esc(days.end.isoformat() if days.end else "open"),
            esc(site.kb.index.words(gov.parsed_when, gov.document) if gov.parsed_when else ""),
        ]
        for sid, gov, days in governs
    ]
    page.html(table(["Subject", "Role", "From", "Until", "Only if"], rows))


def _rules(page: PageSource, entry: VersionEntry, found: set[str], words: Words) -> None:
    """The preconditions, then the rules, each as a card with its quote."""
    record = entry.record
    if record.preconditions:
        page.heading(2, "Preconditions", "preconditions")
        page.html(
            "".join(
                _precondition(i, p, found, words(p.parsed_unless, record.document))
                for i, p in enumerate(record.preconditions)
            )
        )
    page.heading(2, "Rules", "rules")
    if record.rules:
        page.html(
            "".join(
                _rule(i, r, found, words(r.parsed_when, record.document) if r.parsed_when else None)
                for i, r in enumerate(record.rules)
            )
        )
    else:
        page.html('<p class="tk-note">This version carries no rules (evidence only).</p>')


def _evidence(page: PageSource, site: Site, src: str, key: str, found: set[str]) -> None:
    """The subjects' governance evidence quoted from this version."""
    evidence = site.evidence.get(key, [])
    if not evidence:
        return
    page.heading(2, "Cited as evidence", "evidence")
    items = "".join(
        "<li>"
        + link(site.href(src, paths.subject(e.subject)), e.subject)
        + f" ({esc(e.document)}): "
        + _quote_block(e.quote, f"qe-{e.index}", found)
        + "</li>"
        for e in evidence
    )
    page.html(f'<ul class="tk-evidence">{items}</ul>')


def _neighbours(site: Site, src: str, key: str) -> str:
    parts = []
    for pair in site.pairs:
        if pair.new == key:
            label = (
                "change from the previous version"
                if pair.kind == "version"
                else f"change from {pair.old} (succession)"
            )
            parts.append(link(site.href(src, pair.src), label))
        elif pair.old == key:
            label = (
                "change to the next version"
                if pair.kind == "version"
                else f"change to {pair.new} (succession)"
            )
            parts.append(link(site.href(src, pair.src), label))
    return " · ".join(parts)


def _quote_block(quote: str | None, anchor: str, found: set[str]) -> str:
    if not quote:
        return ""
    where = (
        f' <a class="tk-goto" href="#{esc(anchor)}">show in text</a>'
        if anchor in found
        else ' <span class="tk-warning">(not found in the archived text)</span>'
    )
    return f'<blockquote class="tk-quote">{esc(quote)}</blockquote>{where}'


def _see(owner: str, see: list[SeeQuote], found: set[str]) -> str:
    """A rule's or precondition's further quotes: what each decides, and the words."""
    if not see:
        return ""
    items = "".join(
        f'<li><span class="tk-see-kind">{esc(SEE_KINDS[s.kind])}</span>'
        + (f' <span class="tk-section">§ {esc(s.section)}</span>' if s.section else "")
        + f": {esc(s.why)}"
        + (
            _quote_block(s.quote, anchor_for_see(owner, j), found)
            if s.quote
            else f'<p class="tk-note">Not in the archived text: {esc(NOT_ARCHIVED)}.</p>'
        )
        + (f'<p class="tk-note">Quoted from {code(s.quote_file)}.</p>' if s.quote_file else "")
        + "</li>"
        for j, s in enumerate(see)
    )
    return f'<ul class="tk-see">{items}</ul>'


def _rule(i: int, rule: Rule, found: set[str], when_text: str | None) -> str:
    when = f"if {when_text}" if when_text else "always"
    obligations = "".join(f"<li>{esc(o)}</li>" for o in rule.obligations)
    body = [
        f'<section class="tk-rule" id="rule-{i}">',
        f'<p class="tk-rule-head">{code(rule.action)} {badge(rule.verdict.value)} '
        f'<span class="tk-when">{esc(when)}</span>'
        + (f' <span class="tk-section">§ {esc(rule.section)}</span>' if rule.section else "")
        + f' <a class="tk-permalink" href="#rule-{i}" aria-label="link to this rule">#</a></p>',
        _quote_block(rule.quote, anchor_for_rule(i), found),
        _see(anchor_for_rule(i), rule.see, found),
        f'<p class="tk-condition">Turns on: {esc(rule.condition)}</p>' if rule.condition else "",
        f'<p>Obligations:</p><ul class="tk-obligations">{obligations}</ul>' if obligations else "",
        paragraphs(rule.note),
        f'<p class="tk-note">Quoted from {code(rule.quote_file)}.</p>' if rule.quote_file else "",
        "</section>",
    ]
    return "".join(body)


def _precondition(i: int, pre: Precondition, found: set[str], unless: str) -> str:
    actions = ", ".join(pre.actions) if pre.actions else "every action"
    body = [
        f'<section class="tk-rule tk-pre" id="pre-{i}">',
        f'<p class="tk-rule-head">{badge("precondition")} rights over {esc(actions)} are '
        f"withheld unless {esc(unless)}"
        + (f' <span class="tk-section">§ {esc(pre.section)}</span>' if pre.section else "")
        + "</p>",
        _quote_block(pre.quote, f"qp-{i}", found),
        _see(f"qp-{i}", pre.see, found),
        paragraphs(pre.note),
        "</section>",
    ]
    return "".join(body)
