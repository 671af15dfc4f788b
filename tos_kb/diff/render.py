"""Renderers of a text diff: JSON, Markdown, HTML and the terminal.

Why apart from the diff: computing a diff needs no output library, and every
caller (CLI, site, review comment, JSON export) picks one renderer here.
"""

from __future__ import annotations

import html
import re
from typing import Any

from rich.console import Group
from rich.text import Text

from tos_kb.diff.text import DELETE, EQUAL, HUNK_KINDS, TextDiff


def to_json(diff: TextDiff) -> dict[str, Any]:
    """A JSON-ready dict: stats, hunks with labels and ops, and the full ops."""
    return {
        "format": "tos-kb-textdiff/1",
        "stats": diff.stats.as_dict(),
        "hunks": [
            {
                "kind": h.kind,
                "label": h.label,
                "old_label": h.old_label,
                "new_label": h.new_label,
                "old_key": h.old_key,
                "new_key": h.new_key,
                "old_start": h.old_start,
                "old_end": h.old_end,
                "new_start": h.new_start,
                "new_end": h.new_end,
                "old_text": h.old_text,
                "new_text": h.new_text,
                "ops": [[op, t] for op, t in h.ops],
            }
            for h in diff.hunks
        ],
        "ops": [[op, t] for op, t in diff.ops],
    }


def _summary(diff: TextDiff) -> str:
    """One line: how many hunks of each kind and characters changed."""
    s = diff.stats
    parts = [f"{getattr(s, k)} {k}" for k in HUNK_KINDS if getattr(s, k)]
    line = f"{s.hunks} hunks ({', '.join(parts)}); +{s.chars_inserted} / -{s.chars_deleted} chars"
    if s.unrefined:
        line += f"; {s.unrefined} region(s) too large to refine"
    return line


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<#|!])")


def to_markdown(diff: TextDiff) -> str:
    """Markdown: a heading per hunk and a fenced word diff in ``[-del-]{+ins+}`` notation.

    Why fenced: legal texts contain markdown themselves; inside a fence they
    are shown, not interpreted, and nothing in them can inject markup.
    """
    if diff.is_empty:
        return "No changes.\n"
    lines = [f"**{_summary(diff)}**", ""]
    for n, h in enumerate(diff.hunks, 1):
        label = _MD_SPECIAL.sub(r"\\\1", h.label)
        lines.append(f"### {n}. {h.kind}: {label}")
        lines.append("")
        body = "".join(
            t if op == EQUAL else (f"[-{t}-]" if op == DELETE else f"{{+{t}+}}") for op, t in h.ops
        )
        longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
        fence = "`" * max(3, longest + 1)
        lines.extend([fence + "text", body.rstrip("\n"), fence, ""])
    return "\n".join(lines)


def to_html(diff: TextDiff, *, standalone: bool = False) -> str:
    """HTML with ``<del class="diff-del">``/``<ins class="diff-ins">``; all text escaped.

    ``standalone`` wraps it in a page with a small stylesheet.
    """
    esc = html.escape
    out = ['<div class="tos-diff">', f'<p class="diff-summary">{esc(_summary(diff))}</p>']
    for h in diff.hunks:
        out.append(f'<section class="hunk hunk-{esc(h.kind)}">')
        out.append(
            f'<h3 class="hunk-label"><span class="hunk-kind">{esc(h.kind)}</span> '
            f"{esc(h.label)}</h3>"
        )
        body: list[str] = []
        for op, t in h.ops:
            if op == EQUAL:
                body.append(esc(t))
            elif op == DELETE:
                body.append(f'<del class="diff-del">{esc(t)}</del>')
            else:
                body.append(f'<ins class="diff-ins">{esc(t)}</ins>')
        out.append(f'<div class="hunk-body">{"".join(body)}</div>')
        out.append("</section>")
    out.append("</div>")
    fragment = "\n".join(out)
    if not standalone:
        return fragment
    style = (
        ".hunk-body{white-space:pre-wrap;font-family:serif}"
        ".diff-del{background:#fdd;color:#900}.diff-ins{background:#dfd;color:#060}"
        ".hunk-kind{font-size:.8em;text-transform:uppercase;color:#555;margin-right:.5em}"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Text diff</title><style>{style}</style></head><body>\n"
        f"{fragment}\n</body></html>\n"
    )


def to_rich(diff: TextDiff) -> Group:
    """A rich renderable: clause labels as headings, green insertions, red deletions."""
    parts: list[Any] = [Text(_summary(diff), style="bold")]
    for h in diff.hunks:
        parts.append(Text(""))
        heading = Text()
        heading.append(f"{h.kind.upper()} ", style="bold magenta")
        heading.append(h.label, style="bold underline")
        parts.append(heading)
        body = Text()
        for op, t in h.ops:
            if op == EQUAL:
                body.append(t)
            elif op == DELETE:
                body.append(t, style="red strike")
            else:
                body.append(t, style="green")
        body.rstrip()
        parts.append(body)
    return Group(*parts)
