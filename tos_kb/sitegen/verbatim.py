"""An archived text as HTML: every line anchored, every cited quote highlighted.

Why: a reader checks a rule against the words it quotes. Each line gets a
stable anchor (``L12``, or ``<prefix>-L12`` for a second text), each quote
an anchor at its first character (``q-3`` for rule 3, ``qp-0`` for
precondition 0, ``qe-1`` for evidence quote 1) and a highlight over its
span; overlapping quotes simply carry several classes. The text is escaped
character for character and never reflowed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from tos_kb.records.quotes import NormalisedText

from .markup import esc


@dataclass(frozen=True)
class Quote:
    """A quote to highlight: its anchor id and its words."""

    anchor: str
    quote: str


def locate_all(text: str, quotes: list[Quote]) -> dict[str, tuple[int, int]]:
    """Where each quote stands in the text (quotes not found are left out)."""
    normal = NormalisedText(text)
    found: dict[str, tuple[int, int]] = {}
    for q in quotes:
        span = normal.find(q.quote)
        if span is not None:
            found[q.anchor] = span
    return found


def render(text: str, quotes: list[Quote], prefix: str = "") -> tuple[str, dict[str, int]]:
    """The text as HTML lines with highlighted quotes; also each found quote's line number."""
    spans = locate_all(text, quotes)
    line_prefix = f"{prefix}-L" if prefix else "L"
    starts: dict[int, list[str]] = {}
    for anchor, (start, _) in spans.items():
        starts.setdefault(start, []).append(anchor)
    cuts = {0, len(text)}
    for start, end in spans.values():
        cuts.update((start, end))
    lines_of_quote: dict[str, int] = {}
    out = [f'<div class="tk-text" data-search-exclude id="{esc(prefix or "text")}">']
    offset = 0
    for number, line in enumerate(text.split("\n"), 1):
        end = offset + len(line)
        points = sorted({offset, end, *(c for c in cuts if offset < c < end)})
        body: list[str] = []
        for a, b in itertools.pairwise(points):
            for anchor in starts.get(a, []):
                body.append(f'<span class="tk-anchor" id="{esc(anchor)}"></span>')
                lines_of_quote[anchor] = number
            covering = [k for k, (s, e) in spans.items() if s <= a and b <= e]
            chunk = esc(text[a:b])
            if covering:
                classes = " ".join(["tk-q", *covering])
                body.append(f'<mark class="{esc(classes)}">{chunk}</mark>')
            else:
                body.append(chunk)
        if offset == end:
            for anchor in starts.get(offset, []):
                body.append(f'<span class="tk-anchor" id="{esc(anchor)}"></span>')
                lines_of_quote[anchor] = number
        anchor_id = f"{line_prefix}{number}"
        out.append(
            f'<div class="tk-line" id="{anchor_id}"><a class="tk-lno" href="#{anchor_id}" '
            f'aria-label="line {number}">{number}</a>'
            f'<span class="tk-lt">{"".join(body)}</span></div>'
        )
        offset = end + 1
    out.append("</div>")
    return "".join(out), lines_of_quote
