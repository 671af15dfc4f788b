"""Escaping, links, badges and the page builder every generator uses.

Why one place: the site renders archived text written by others (titles,
quotes, notes, URLs). Everything dynamic goes through :func:`esc`; only
http(s) URLs become links (:func:`safe_url`); Markdown sees only static
headings and escaped text (:func:`md_escape`), and every HTML fragment is
spliced in after Markdown has run (:class:`PageSource` slots), so nothing in
a record can become markup.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

VERDICTS = ("permitted", "conditional", "prohibited", "unknown")
DIRECTIONS = ("tightened", "loosened", "mixed", "reworded", "unchanged")
SLOT = "TOSKBSLOT{:05d}"
SLOT_RE = re.compile(r"<p>(TOSKBSLOT\d{5})</p>")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~])")
_UNSAFE_URL_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"'`]")


def esc(value: object) -> str:
    """HTML-escape any value shown as text (quotes included, for attributes)."""
    return html.escape("" if value is None else str(value), quote=True)


def md_escape(text: str) -> str:
    """Text for a Markdown context: HTML-escaped, then Markdown punctuation backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", esc(text).replace("\n", " "))


def safe_url(url: object) -> str | None:
    """The URL if it is an absolute http(s) URL with a host and no odd characters, else None."""
    if not isinstance(url, str):
        return None
    candidate = url.strip()
    if not candidate or _UNSAFE_URL_CHARS.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def ext_link(url: object, text: object = None) -> str:
    """A link for a safe http(s) URL; anything else is shown as plain text."""
    target = safe_url(url)
    label = esc(text if text is not None else url)
    if target is None:
        return f'<span class="tk-url">{label}</span>'
    return f'<a class="tk-ext" href="{esc(target)}" rel="noopener noreferrer nofollow">{label}</a>'


def link(href: str, text: object, cls: str | None = None) -> str:
    """An internal link (``href`` computed by the generator), text escaped."""
    klass = f' class="{esc(cls)}"' if cls else ""
    return f'<a href="{esc(href)}"{klass}>{esc(text)}</a>'


def badge(value: str, kind: str = "v") -> str:
    """A verdict (``kind="v"``) or direction (``kind="d"``) badge."""
    known = (*VERDICTS, "silent", "precondition") if kind == "v" else DIRECTIONS
    css = value if value in known else "other"
    return f'<span class="tk-badge tk-{kind}-{css}">{esc(value)}</span>'


def code(text: object) -> str:
    """Inline code, escaped."""
    return f"<code>{esc(text)}</code>"


def table(headers: Iterable[str], rows: Iterable[Iterable[str]], cls: str = "") -> str:
    """An HTML table; headers are escaped, cells are HTML fragments already escaped.

    The table itself carries no class so that the theme styles it; ``cls`` goes
    on the wrapper.
    """
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        f'<div class="tk-table {esc(cls)}"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def dl(items: Iterable[tuple[str, str]]) -> str:
    """A definition list of (label, HTML fragment) pairs; empty fragments are skipped."""
    body = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in items if v)
    return f'<dl class="tk-dl">{body}</dl>'


def paragraphs(text: str | None, cls: str = "tk-note") -> str:
    """Plain text shown as escaped paragraphs (blank lines separate them)."""
    if not text:
        return ""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f'<p class="{cls}">{esc(p)}</p>' for p in parts)


@dataclass
class PageSource:
    """A generated page: Markdown for structure (headings), HTML in slots, an edit path.

    ``edit`` is the source file under ``terms/`` that the page shows (for the
    "edit this page" link), or None.
    """

    src: str
    title: str
    edit: str | None = None
    parts: list[str] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)
    search_exclude: bool = False

    def heading(self, level: int, text: str, anchor: str | None = None) -> None:
        """A Markdown heading (in the table of contents), its text escaped."""
        attr = f" {{#{anchor}}}" if anchor else ""
        self.parts.append(f"{'#' * level} {md_escape(text)}{attr}")

    def html(self, fragment: str) -> None:
        """An HTML fragment, spliced in after Markdown has run."""
        if not fragment:
            return
        key = SLOT.format(len(self.slots))
        self.slots[key] = fragment
        self.parts.append(key)

    def markdown(self) -> str:
        """The page's Markdown source (front matter with the escaped title)."""
        front = ["---", f"title: {json.dumps(esc(self.title))}"]
        if self.search_exclude:
            front += ["search:", "  exclude: true"]
        front.append("---")
        return "\n".join(front) + "\n\n" + "\n\n".join(self.parts) + "\n"


def splice(rendered: str, slots: dict[str, str]) -> str:
    """Replace each slot paragraph in the rendered page with its HTML fragment."""
    if not slots:
        return rendered
    return SLOT_RE.sub(lambda m: slots.get(m.group(1), m.group(0)), rendered)
