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


def event_item(site: Site, src: str, e: ChangeEvent) -> str:
    """One event as a card: day, direction, what it is about, its sentence, then each action."""
    actions = (
        f'<details class="tk-details"><summary>Each action ({len(e.actions)})</summary>'
        f"{actions_html(e)}</details>"
        if e.actions
        else ""
    )
    return (
        f'<li class="tk-event" data-direction="{esc(e.direction.value)}" '
        f'data-kind="{esc(e.kind)}"{" hidden" if e.direction.value == "reworded" else ""}>'
        f'<p class="tk-event-head"><time datetime="{esc(e.on.isoformat())}">'
        f"{esc(e.on.isoformat())}</time> {badge(e.direction.value, 'd')} "
        f'{scope_link(site, src, e)} <span class="tk-kind">{esc(e.kind)}</span></p>'
        f'<p class="tk-event-summary">{esc(e.summary)}</p>'
        f'<p class="tk-event-link">{event_link(site, src, e)}</p>{actions}</li>'
    )


def events_list(site: Site, src: str, events: list[ChangeEvent], list_id: str = "") -> str:
    """The events as a list of cards that fits a column at any width."""
    ident = f' id="{esc(list_id)}"' if list_id else ""
    return (
        f'<ol class="tk-events"{ident}>'
        + "".join(event_item(site, src, e) for e in events)
        + "</ol>"
    )


def page(site: Site) -> PageSource:
    """The change log page: every event, rewordings behind a toggle."""
    events = list(reversed(site.kb.changes(include_reworded=True)))
    out = PageSource(SRC, "Changes")
    counts = {d: sum(1 for e in events if e.direction.value == d) for d in DIRECTIONS}
    boxes = "".join(
        f'<label class="tk-filter"><input type="checkbox" name="direction" value="{d}"'
        f"{'' if d == 'reworded' else ' checked'}> "
        f'{badge(d, "d")} <span class="tk-count">{counts[d]}</span></label>'
        for d in DIRECTIONS
        if counts[d]
    )
    kinds = sorted({e.kind for e in events})
    options = "".join(f'<option value="{esc(k)}">{esc(k)}</option>' for k in kinds)
    feed = site.href(SRC, "feed.xml")
    out.html(
        "<p>Every change of an answer in the archive, newest first, one per day and subject or "
        "document, each in one sentence. A <em>version</em> or <em>succession</em> compares one "
        "document's texts on their own; a <em>governance</em> change compares a subject's "
        "answers as the Ask page gives them. Rewordings that move no answer are hidden; tick "
        "<em>reworded</em> to show them. "
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
    out.html(events_list(site, SRC, events, "tk-changes-log"))
    return out
