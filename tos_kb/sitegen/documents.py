"""The documents index and one page per document: its versions on a timeline."""

from __future__ import annotations

from collections.abc import Iterator

from . import paths
from .charts import Axis, Lane, Segment, lanes_svg, legend
from .context import Site
from .markup import PageSource, badge, code, esc, ext_link, link, paragraphs, table


def pages(site: Site) -> Iterator[PageSource]:
    """The documents index and every document's page."""
    yield index_page(site)
    for doc_id in sorted(site.kb.documents):
        yield document_page(site, doc_id)


def index_page(site: Site) -> PageSource:
    """Every document, by provider."""
    kb = site.kb
    src = "documents/index.md"
    page = PageSource(src, "Documents")
    page.html(
        "<p>Each document is one legal text revised over time; each archived version "
        "keeps its verbatim text and a record of what it says.</p>"
    )
    by_provider: dict[str, list[str]] = {}
    for doc_id in sorted(kb.documents):
        by_provider.setdefault(doc_id.split("/", 1)[0], []).append(doc_id)
    kinds = kb.archive.kinds
    for provider_id, doc_ids in sorted(by_provider.items()):
        provider = kb.archive.providers.get(provider_id)
        page.heading(2, provider.name if provider else provider_id, f"p-{provider_id}")
        rows = []
        for doc_id in doc_ids:
            doc = kb.documents[doc_id]
            timeline = kb.timeline(doc_id)
            first = timeline.placed[0].interval.start.isoformat() if timeline.placed else ""
            last = timeline.placed[-1].key.split("@", 1)[1] if timeline.placed else ""
            kind = kinds.get(doc.kind)
            rows.append(
                [
                    link(site.href(src, paths.document(doc_id)), doc_id),
                    esc(doc.title),
                    esc(kind.label if kind else doc.kind),
                    esc(len(timeline.placed) + len(timeline.undated)),
                    esc(first),
                    esc(last),
                ]
            )
        page.html(table(["Document", "Title", "Kind", "Versions", "First", "Latest"], rows))
    return page


def timeline_chart(site: Site, doc_id: str, from_src: str) -> str:
    """The document's versions on a time axis, with the subjects it governs below."""
    kb = site.kb
    placed = kb.timeline(doc_id).placed
    if not placed:
        return ""
    governs = site.governs.get(doc_id, [])
    start = min([placed[0].interval.start, *(g.from_ for _, g in governs)])
    last = max(p.interval.end or p.interval.start for p in placed)
    end = max(site.as_of, last)
    axis = Axis(start, end)
    versions = Lane("versions")
    for i, p in enumerate(placed):
        ver = p.key.split("@", 1)[1]
        until = p.interval.end.isoformat() if p.interval.end else "still in force"
        versions.segments.append(
            Segment(
                p.interval.start,
                p.interval.end,
                f"tk-ver-{i % 2}",
                f"{p.key}: from {p.interval.start.isoformat()} until {until}"
                + (" (start approximate)" if not p.start.exact else ""),
                site.href(from_src, paths.version(p.key)),
                ver,
                approx=not p.start.exact,
            )
        )
    lanes = [versions]
    for subject_id, gov in governs:
        lanes.append(
            Lane(
                f"governs {subject_id}",
                [
                    Segment(
                        gov.from_,
                        gov.until,
                        "tk-gov",
                        f"governs {subject_id} ({gov.role}) from {gov.from_.isoformat()}"
                        + (f" until {gov.until.isoformat()}" if gov.until else ""),
                    )
                ],
                site.href(from_src, paths.subject(subject_id)),
            )
        )
    chart = lanes_svg(lanes, axis, f"Timeline of {doc_id}", "tk-timeline")
    return chart + legend(
        [
            ("tk-ver-0", "a version in force"),
            ("tk-approx-swatch", "start approximate"),
            ("tk-gov", "governs a subject"),
        ]
    )


def document_page(site: Site, doc_id: str) -> PageSource:
    """One document: what it is, its versions on a timeline, what it governs."""
    src = paths.document(doc_id)
    page = PageSource(src, doc_id, edit=f"{doc_id}/document.yaml")
    page.html(_about(site, doc_id, src))
    page.heading(2, "Versions", "versions")
    page.html(timeline_chart(site, doc_id, src))
    page.html(_versions_table(site, doc_id, src))
    governs = site.governs.get(doc_id, [])
    if governs:
        page.heading(2, "Subjects it governs", "subjects")
        rows = [
            [
                link(site.href(src, paths.subject(sid)), sid),
                esc(g.role),
                esc(g.from_.isoformat()),
                esc(g.until.isoformat() if g.until else "open"),
                esc(g.basis),
            ]
            for sid, g in governs
        ]
        page.html(table(["Subject", "Role", "From", "Until", "Basis"], rows))
    return page


def _about(site: Site, doc_id: str, src: str) -> str:
    """What the document is, who publishes it, its succession, and what the archive lacks."""
    doc = site.kb.documents[doc_id]
    kind = site.kb.archive.kinds.get(doc.kind)
    provider_id = doc_id.split("/", 1)[0]
    facts = [
        f'<p class="tk-lede">{esc(doc.title)}</p>',
        "<p>",
        esc(kind.label if kind else doc.kind),
        " published by ",
        link(site.href(src, paths.provider(provider_id)), provider_id),
        (". Canonical address: " + ext_link(doc.canonical_url)) if doc.canonical_url else "",
        ".</p>",
        *_succession(site, doc_id, src),
    ]
    seen = site.kb.index.horizon.get(doc_id)
    if seen is not None:
        facts.append(
            f'<p class="tk-horizon">The archive last saw this document in force on '
            f"<strong>{esc(seen.isoformat())}</strong>: answers for later days rest on the "
            "newest archived version and say so; later changes are not archived.</p>"
        )
    for missing in doc.not_obtained:
        facts.append(
            f"<p>A version effective {esc(missing.effective)} is reported "
            f"({esc(missing.source)}) but not archived.</p>"
        )
    return "".join(facts) + paragraphs(doc.notes)


def _succession(site: Site, doc_id: str, src: str) -> list[str]:
    """The document it succeeds and those that succeed it, as paragraphs."""
    doc = site.kb.documents[doc_id]
    out = []
    if doc.succeeds:
        target = (
            link(site.href(src, paths.document(doc.succeeds)), doc.succeeds)
            if doc.succeeds in site.kb.documents
            else code(doc.succeeds)
        )
        out.append(
            f"<p>Succeeds {target}"
            + (f": {esc(doc.succession_basis)}" if doc.succession_basis else "")
            + "</p>"
        )
    for successor in site.successors.get(doc_id, []):
        out.append(
            f"<p>Succeeded by {link(site.href(src, paths.document(successor)), successor)}.</p>"
        )
    return out


def _versions_table(site: Site, doc_id: str, src: str) -> str:
    """Every version: when it governs, its coverage, and how it changed the answers."""
    kb = site.kb
    timeline = kb.timeline(doc_id)
    rows = []
    pairs_into = {p.new: p for p in site.pairs if p.kind == "version"}
    for p in timeline.placed:
        record = kb.version(p.key).record
        pair = pairs_into.get(p.key)
        change = ""
        if pair is not None:
            change = (
                badge(site.direction(pair).value, "d")
                + " "
                + link(site.href(src, pair.src), "what changed")
            )
        rows.append(
            [
                link(site.href(src, paths.version(p.key)), record.version),
                esc(record.effective),
                esc(p.interval.start.isoformat()) + ("" if p.start.exact else " (approx.)"),
                esc(p.interval.end.isoformat() if p.interval.end else "in force"),
                esc(record.coverage),
                change,
            ]
        )
    for key in timeline.undated:
        record = kb.version(key).record
        link_ = link(site.href(src, paths.version(key)), record.version)
        rows.append([link_, esc(record.effective), "undated", "", esc(record.coverage), ""])
    headers = ["Version", "Effective", "Governs from", "Until", "Coverage", "Change"]
    return table(headers, rows)
