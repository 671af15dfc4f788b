"""The global change log: every tightening, loosening, mixed change and rewording.

Rows carry ``data-direction`` and ``data-kind`` so the page's script can
filter them in the browser; without the script every row is shown.
"""

from __future__ import annotations

from tos_kb.diff.changes import ChangeEvent

from . import paths
from .context import Site
from .markup import DIRECTIONS, PageSource, badge, code, esc, link

SRC = "changes/index.md"


def event_link(site: Site, src: str, e: ChangeEvent) -> str:
    """A link to the page that shows an event: its change page, or its subject's changes."""
    pair = site.pair_by_keys.get((e.old, e.new))
    if pair is not None:
        return link(site.href(src, pair.src), f"{e.old} → {e.new}")
    if e.subject:
        return link(site.href(src, paths.subject(e.subject), "changes"), f"{e.old} → {e.new}")
    return esc(f"{e.old} → {e.new}")


def scope_link(site: Site, src: str, e: ChangeEvent) -> str:
    """The subject or document an event belongs to."""
    if e.subject:
        return link(site.href(src, paths.subject(e.subject)), e.subject)
    if e.document:
        return link(site.href(src, paths.document(e.document)), e.document)
    return ""


def actions_html(e: ChangeEvent) -> str:
    """Each action's change of an event: its badge and its sentence."""
    return (
        '<ul class="tk-action-changes">'
        + "".join(
            f"<li>{code(c.action)} {badge(c.direction.value, 'd')} {esc(c.summary)}</li>"
            for c in e.actions
        )
        + "</ul>"
    )


def rows_html(site: Site, src: str, events: list[ChangeEvent]) -> str:
    """Table rows for events (newest first is the caller's choice): one row per event."""
    rows = []
    for e in events:
        rows.append(
            f'<tr data-direction="{esc(e.direction.value)}" data-kind="{esc(e.kind)}">'
            f"<td>{esc(e.on.isoformat())}</td><td>{badge(e.direction.value, 'd')}</td>"
            f"<td>{esc(e.kind)}</td>"
            f"<td>{scope_link(site, src, e)}</td><td>{event_link(site, src, e)}</td>"
            f"<td><p>{esc(e.summary)}</p>{actions_html(e)}</td></tr>"
        )
    return "".join(rows)


def events_table(site: Site, src: str, events: list[ChangeEvent], table_id: str = "") -> str:
    """The events as a table."""
    ident = f' id="{esc(table_id)}"' if table_id else ""
    head = "".join(
        f"<th>{h}</th>"
        for h in ("Date", "Direction", "Kind", "Subject or document", "Change", "What changed")
    )
    return (
        f'<div class="tk-table tk-scroll tk-changes"><table{ident}>'
        f"<thead><tr>{head}</tr></thead><tbody>{rows_html(site, src, events)}</tbody>"
        "</table></div>"
    )


def page(site: Site) -> PageSource:
    """The change log page."""
    events = list(reversed(site.changes))
    out = PageSource(SRC, "Changes")
    counts = {d: sum(1 for e in events if e.direction.value == d) for d in DIRECTIONS}
    boxes = "".join(
        f'<label class="tk-filter"><input type="checkbox" name="direction" value="{d}" checked> '
        f'{badge(d, "d")} <span class="tk-count">{counts[d]}</span></label>'
        for d in DIRECTIONS
        if counts[d]
    )
    kinds = sorted({e.kind for e in events})
    options = "".join(f'<option value="{esc(k)}">{esc(k)}</option>' for k in kinds)
    feed = site.href(SRC, "feed.xml")
    out.html(
        "<p>Every change of an answer in the archive, newest first, one per day and subject or "
        "document: a new version of a document (<em>version</em>) or a document replaced by its "
        "successor (<em>succession</em>), each text compared on its own; or a subject governed "
        "by different documents (<em>governance</em>), compared as the Ask page answers. "
        "Directions are computed by evaluating both sides over every relevant combination of "
        "facts; each sentence states one combination under which the answer moved. "
        "Rewordings that move no answer are left out. "
        f'Also as an <a href="{esc(feed)}">Atom feed</a> and in the '
        f'<a href="{esc(site.href(SRC, "export.md"))}">JSON export</a>.</p>'
        f'<form class="tk-changes-filter" id="tk-changes-filter" data-target="tk-changes-log">'
        f"<fieldset><legend>Show</legend>{boxes}"
        f'<label class="tk-filter">kind <select name="kind"><option value="">any</option>'
        f"{options}</select></label>"
        '<label class="tk-filter">text <input type="search" name="text" '
        'placeholder="subject, document or action"></label>'
        '<output class="tk-shown" name="shown"></output></fieldset></form>'
    )
    out.html(events_table(site, SRC, events, "tk-changes-log"))
    return out
