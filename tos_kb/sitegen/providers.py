"""The providers index and one page per provider: its documents and subjects."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from . import paths
from .context import Site
from .markup import PageSource, badge, esc, ext_link, link, paragraphs, table


def pages(site: Site) -> Iterator[PageSource]:
    """The providers index and every provider's page."""
    yield index_page(site)
    for provider_id in sorted(site.kb.archive.providers):
        yield provider_page(site, provider_id)


def _documents_of(site: Site, provider_id: str) -> list[str]:
    return [d for d in sorted(site.kb.documents) if d.split("/", 1)[0] == provider_id]


def _subjects_of(site: Site, provider_id: str) -> list[str]:
    return [s.id for s in site.kb.subjects() if s.provider == provider_id]


def index_page(site: Site) -> PageSource:
    """Every provider with counts."""
    src = "providers/index.md"
    page = PageSource(src, "Providers")
    rows = []
    for provider_id in sorted(site.kb.archive.providers):
        provider = site.kb.archive.providers[provider_id]
        docs = _documents_of(site, provider_id)
        versions = sum(len(site.kb.versions(d)) for d in docs)
        rows.append(
            [
                link(site.href(src, paths.provider(provider_id)), provider.name),
                esc(provider_id),
                esc(len(docs)),
                esc(versions),
                esc(len(_subjects_of(site, provider_id))),
            ]
        )
    page.html(table(["Provider", "Id", "Documents", "Versions", "Subjects"], rows))
    return page


def provider_page(site: Site, provider_id: str) -> PageSource:
    """One provider."""
    kb = site.kb
    provider = kb.archive.providers[provider_id]
    src = paths.provider(provider_id)
    page = PageSource(src, provider.name, edit=f"{provider_id}/provider.yaml")
    intro = [f"<p>Provider id {esc(provider_id)}."]
    if provider.website:
        intro.append(" Website: " + ext_link(provider.website) + ".")
    if provider.main_subject:
        intro.append(
            f" The id {esc(provider_id)} is an alias of the subject "
            + link(site.href(src, paths.subject(provider.main_subject)), provider.main_subject)
            + "."
        )
    intro.append("</p>")
    page.html("".join(intro) + paragraphs(provider.notes))

    page.heading(2, "Documents", "documents")
    rows = []
    for doc_id in _documents_of(site, provider_id):
        doc = kb.documents[doc_id]
        timeline = kb.timeline(doc_id)
        latest = timeline.placed[-1].key if timeline.placed else None
        rows.append(
            [
                link(site.href(src, paths.document(doc_id)), doc_id),
                esc(doc.title),
                esc(len(timeline.placed) + len(timeline.undated)),
                link(site.href(src, paths.version(latest)), latest.split("@", 1)[1])
                if latest
                else "",
            ]
        )
    page.html(table(["Document", "Title", "Versions", "Latest"], rows))

    subjects = _subjects_of(site, provider_id)
    if subjects:
        page.heading(2, "Subjects", "subjects")
        page.html(
            table(
                ["Subject", "Name", "Kind"],
                [
                    [
                        link(site.href(src, paths.subject(sid)), sid),
                        esc(kb.subject(sid).name),
                        esc(kb.subject(sid).kind),
                    ]
                    for sid in subjects
                ],
            )
        )
    page.heading(2, "The story of its terms", "story")
    page.html(story_html(site, src, provider_id))
    return page


def _cited(site: Site, src: str, citations: tuple[Any, ...]) -> str:
    items = "".join(
        "<li>"
        + link(
            site.href(src, paths.version(c.key)), c.key + (f" §{c.section}" if c.section else "")
        )
        + (f': <span class="tk-quote-inline">{esc(c.quote)}</span>' if c.quote else "")
        + "</li>"
        for c in citations
    )
    return f"<ul>{items}</ul>" if items else "<p><em>no quote</em></p>"


def story_html(site: Site, src: str, provider_id: str) -> str:
    """``kb.story`` of a provider: what the archive covers, then each change with its quotes."""
    try:
        told = site.kb.story(provider_id)
    except ValueError:
        return "<p>No subject of this provider has a story here.</p>"
    out = [paragraphs(" ".join(told.coverage))]
    if not told.chapters:
        out.append("<p>Nothing tightened or loosened in the archive.</p>")
    for chapter in told.chapters:
        e = chapter.event
        out.append(
            f'<section class="tk-story-event"><h3>{esc(e.on.isoformat())} '
            f"{badge(e.direction.value, 'd')}</h3><p>{esc(e.summary)}</p>"
        )
        for passage in chapter.passages:
            out.append("<ul>" + "".join(f"<li>{esc(t)}</li>" for t in passage.summaries) + "</ul>")
            if passage.before or passage.after:
                out.append(
                    '<div class="tk-side-by-side">'
                    f'<div><p class="tk-side">Before</p>{_cited(site, src, passage.before)}</div>'
                    f'<div><p class="tk-side">After</p>{_cited(site, src, passage.after)}</div>'
                    "</div>"
                )
        out.append("</section>")
    return "".join(out)
