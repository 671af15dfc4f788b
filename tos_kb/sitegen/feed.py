"""The Atom feed of changes (``feed.xml``): one entry per change page or governance change.

Why ElementTree: it escapes every text and attribute, so archived words in
titles and summaries cannot break the XML; content is ``type="html"`` whose
markup is itself built from escaped text.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import urljoin

from tos_kb.diff.changes import ChangeEvent

from . import paths
from .context import Site
from .markup import esc

ATOM = "http://www.w3.org/2005/Atom"
FEED_PATH = "feed.xml"


def _stamp(day: date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _summary(e: ChangeEvent) -> str:
    items = "".join(
        f"<li><strong>{esc(c.action)}</strong>: {esc(c.summary)}</li>" for c in e.actions
    )
    return f"<p>{esc(e.summary)}</p><ul>{items}</ul>"


def build(site: Site, site_url: str) -> str:
    """The feed as XML text (entries newest first): one entry per change event."""
    base = site_url if site_url.endswith("/") else site_url + "/"
    entries = []
    for e in site.changes:
        pair = site.pair_by_keys.get((e.old, e.new))
        if pair is not None:
            href = urljoin(base, paths.url(pair.src, site.directory_urls))
            title = f"{pair.document}: {e.old.split('@', 1)[1]} → {e.new.split('@', 1)[1]}"
            if pair.kind == "succession":
                title = f"{e.old} succeeded by {e.new}"
            ident = f"urn:tos-kb:change:{e.old}:{e.new}"
        else:
            subject = e.subject or ""
            href = (
                urljoin(base, paths.url(paths.subject(subject), site.directory_urls)) + "#changes"
            )
            title = f"{subject}: governed by {e.new} (was {e.old})"
            ident = f"urn:tos-kb:governance:{subject}:{e.on.isoformat()}"
        entries.append((e.on, ident, f"{title} ({e.direction.value})", href, e))
    entries.sort(key=lambda item: (item[0], item[1]), reverse=True)

    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = "urn:tos-kb:changes"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "tos-kb: changes in AI terms and model licences"
    ET.SubElement(
        feed, f"{{{ATOM}}}subtitle"
    ).text = (
        "Tightenings, loosenings and rewordings of archived terms of service and model licences"
    )
    updated = max((e[0] for e in entries), default=site.as_of)
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(updated)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=urljoin(base, FEED_PATH))
    ET.SubElement(
        feed,
        f"{{{ATOM}}}link",
        rel="alternate",
        href=urljoin(base, paths.url("changes/index.md", site.directory_urls)),
    )
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "tos-kb"
    for day, ident, title, href, event in entries:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = ident
        ET.SubElement(entry, f"{{{ATOM}}}title").text = title
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(day)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", href=href)
        ET.SubElement(entry, f"{{{ATOM}}}category", term=event.kind)
        content = ET.SubElement(entry, f"{{{ATOM}}}content", type="html")
        content.text = _summary(event)
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"
