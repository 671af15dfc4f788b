"""One page per change: consecutive versions of a document, or a document and its successor.

Each page shows the rule changes per action with a direction badge and the
witnesses that prove it (facts under which the answer moved), where each old
quote stands in the new text, and the clause-level text diff.

Why not ``kb.diff``: its quote search (``changes.quote_moves``) runs a fuzzy
window over the whole new text for every quote that moved, seconds per pair;
a page needs only whether each quote still stands verbatim, so this module
asks ``rule_changes`` and ``textdiff`` directly and checks quotes exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tos_kb.diff.render import to_html
from tos_kb.diff.rules import ActionChange, Direction, Witness
from tos_kb.diff.text import diff_texts
from tos_kb.records.quotes import NormalisedText

from . import paths
from .context import Pair, Site, facts_label
from .markup import PageSource, badge, code, esc, link, table


def pages(site: Site) -> Iterator[PageSource]:
    """Every change page."""
    for pair in site.pairs:
        yield change_page(site, pair)


def _answer(w: Witness, side: str) -> str:
    answer = w.old if side == "old" else w.new
    duties = f" (obligations: {esc('; '.join(answer.obligations))})" if answer.obligations else ""
    return badge(answer.verdict) + duties


def _witness(w: Witness | None, kind: str) -> str:
    if w is None:
        return ""
    return (
        f'<p class="tk-witness"><span class="tk-witness-kind">{esc(kind)}:</span> with '
        f"{esc(facts_label(w.facts))}: {_answer(w, 'old')} → {_answer(w, 'new')}</p>"
    )


def _verdicts(values: list[str]) -> str:
    return " ".join(badge(v) for v in values)


def _rule_rows(changes: list[ActionChange]) -> list[list[str]]:
    rows = []
    for c in changes:
        duties = ""
        if c.obligations_added:
            duties += (
                "<p>Obligations added:</p><ul>"
                + "".join(f"<li>{esc(o)}</li>" for o in c.obligations_added)
                + "</ul>"
            )
        if c.obligations_removed:
            duties += (
                "<p>Obligations removed:</p><ul>"
                + "".join(f"<li>{esc(o)}</li>" for o in c.obligations_removed)
                + "</ul>"
            )
        rows.append(
            [
                code(c.action),
                badge(c.direction.value, "d"),
                _verdicts(c.old_verdicts) + " → " + _verdicts(c.new_verdicts),
                _witness(c.tighter, "tighter") + _witness(c.looser, "looser") + duties,
            ]
        )
    return rows


def quote_status(site: Site, old: str, new: str) -> list[tuple[str, str, str, str]]:
    """(action, quote, status, section note) for each quote of the old version's rules."""
    old_record = site.kb.version(old).record
    new_entry = site.kb.version(new)
    try:
        new_text = NormalisedText(new_entry.read_text())
    except OSError:
        return []
    out = []
    seen: set[tuple[str, str]] = set()
    for rule in old_record.rules:
        if not rule.quote or rule.quote_file or (rule.action, rule.quote) in seen:
            continue
        seen.add((rule.action, rule.quote))
        if new_text.find(rule.quote) is not None:
            out.append(
                (rule.action, rule.quote, "kept", f"§ {rule.section}" if rule.section else "")
            )
        else:
            out.append((rule.action, rule.quote, "not in the new text", ""))
    return out


def change_page(site: Site, pair: Pair) -> PageSource:
    """The page of one change: what it is, the rules that moved, the quotes, the text diff."""
    src = pair.src
    page = PageSource(src, f"{pair.old} → {pair.new}")
    direction = site.direction(pair)
    what = (
        "A new version of the same document"
        if pair.kind == "version"
        else ("A successor document (the next generation of the text)")
    )
    event = site.event_of(pair)
    summary = event.summary if event is not None else f"{what}: {direction.value}."
    page.html(
        f'<p class="tk-change-summary">{esc(summary)}</p>'
        f"<p>{badge(direction.value, 'd')} {esc(what)}, in force from "
        f"{esc(pair.on.isoformat())}.</p>"
        "<p>From "
        + link(site.href(src, paths.version(pair.old)), pair.old)
        + " to "
        + link(site.href(src, paths.version(pair.new)), pair.new)
        + ".</p>"
    )
    if event is not None and event.actions:
        _in_words(page, site, pair, event)
    _rule_changes(page, site, pair)
    _quotes(page, site, pair)
    _text_changes(page, site, pair)
    return page


def _section(section: str | None) -> str:
    return f"§{section} " if section else ""


def _deciding_quotes(site: Site, key: str, action: str) -> str:
    """The quotes a version's rules on ``action`` rest on, with their sections."""
    rules = site.kb.index.versions[key].rules.get(action, [])
    items = "".join(
        f"<li>{badge(r.verdict.value)} {esc(_section(r.citation.section))}"
        f'<span class="tk-quote-inline">{esc(r.quote)}</span></li>'
        for r in rules
        if r.quote
    )
    return f"<ul>{items}</ul>" if items else "<p><em>no quote: the text is silent here</em></p>"


def _in_words(page: PageSource, site: Site, pair: Pair, event: Any) -> None:
    """Each action's change in one sentence, then its deciding quotes, old and new side by side."""
    page.heading(2, "What changed", "summary")
    blocks = []
    for change in event.actions:
        blocks.append(
            f'<section class="tk-action-change"><p>{badge(change.direction.value, "d")} '
            f"{esc(change.summary)}</p>"
            '<div class="tk-side-by-side">'
            f'<div><p class="tk-side">Before: {esc(pair.old)}</p>'
            f"{_deciding_quotes(site, pair.old, change.action)}</div>"
            f'<div><p class="tk-side">After: {esc(pair.new)}</p>'
            f"{_deciding_quotes(site, pair.new, change.action)}</div>"
            "</div></section>"
        )
    page.html("".join(blocks))


def _rule_changes(page: PageSource, site: Site, pair: Pair) -> None:
    """Each action whose answers moved, with witnesses; the unchanged ones named."""
    changes = site.rule_changes(pair)
    moved = [c for c in changes if c.direction != Direction.UNCHANGED]
    same = [c.action for c in changes if c.direction == Direction.UNCHANGED]
    page.heading(2, "Rule changes", "rules")
    page.html(
        "<p>Each action's answers compared over every relevant combination of facts; a "
        "witness is one combination under which the answer moved.</p>"
    )
    if moved:
        page.html(
            table(
                ["Action", "Direction", "Answers (old → new)", "Witnesses"],
                _rule_rows(moved),
                "tk-rule-changes",
            )
        )
    else:
        page.html("<p>No action's answers or wording changed.</p>")
    if same:
        page.html("<p>Unchanged: " + ", ".join(code(a) for a in same) + ".</p>")


def _quotes(page: PageSource, site: Site, pair: Pair) -> None:
    """Whether each quote of the old version still stands in the new text."""
    statuses = quote_status(site, pair.old, pair.new)
    if not statuses:
        return
    page.heading(2, "Quotes of the old version", "quotes")
    rows = [
        [
            code(a),
            f'<span class="tk-quote-inline">{esc(q)}</span>',
            esc(status + (f" ({note})" if note else "")),
        ]
        for a, q, status, note in statuses
    ]
    page.html(table(["Action", "Quote", "In the new text"], rows))


def _text_changes(page: PageSource, site: Site, pair: Pair) -> None:
    page.heading(2, "Text changes", "text")
    try:
        old_text = site.kb.version(pair.old).read_text()
        new_text = site.kb.version(pair.new).read_text()
    except OSError:
        page.html('<p class="tk-warning">A text file is missing.</p>')
        return
    diff = diff_texts(old_text, new_text)
    if diff.is_empty:
        page.html("<p>The two texts are identical.</p>")
    else:
        page.html(f'<div class="tk-diff" data-search-exclude>{to_html(diff)}</div>')
