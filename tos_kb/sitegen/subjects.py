"""The subjects index and one page per subject: governing documents and verdicts over time.

The verdict matrix asks the engine (``kb.ask``) at every change point of the
subject — each day a governing document starts or stops governing, or one of
its versions takes effect — once with no facts and once per combination of
the facts its conditions name (or per single fact when the combinations are
too many). A verdict stricter than the column before is marked tightened, a
looser one loosened (the order is ``rulediff.STRICTNESS``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tos_kb.answer.decision import UNKNOWN_REASONS, Decision
from tos_kb.answer.factspace import relevant_values
from tos_kb.diff.changes import ChangeEvent
from tos_kb.records import conditions as cond
from tos_kb.records.models import Governance, Subject
from tos_kb.records.vocab import FactSpec, FactType

from . import paths
from .changelog import actions_html
from .charts import VERDICT_LEGEND, Axis, Lane, Segment, lanes_svg, legend
from .context import Site, strictness
from .markup import PageSource, badge, code, esc, link, paragraphs, table
from .versions import find_rule

MAX_COMBINATIONS = 16
MAX_ROWS = 16
SYMBOL = {"permitted": "✓", "prohibited": "✗", "conditional": "?", "unknown": "–"}


@dataclass(frozen=True)
class Cell:
    """The answer at one change point under one assignment of facts."""

    verdict: str
    obligations: tuple[str, ...]


@dataclass
class Row:
    """One line of the matrix: an assignment of facts and its answer at each change point."""

    label: str
    facts: dict[str, Any]
    cells: list[Cell]


def pages(site: Site) -> Iterator[PageSource]:
    """The subjects index and every subject's page."""
    yield index_page(site)
    for subject in site.kb.subjects():
        yield subject_page(site, subject)


def index_page(site: Site) -> PageSource:
    """Every subject with what governs it on the archive's as-of day."""
    src = "subjects/index.md"
    page = PageSource(src, "Subjects")
    page.html(
        "<p>A subject is what a question is about: a hosted service or a family of model "
        "weights. Each is governed by one or more documents over date ranges.</p>"
    )
    rows = []
    for subject in site.kb.subjects():
        now = [
            g.document
            for g in subject.governed_by
            if g.from_ <= site.as_of and (g.until is None or site.as_of < g.until)
        ]
        rows.append(
            [
                link(site.href(src, paths.subject(subject.id)), subject.id),
                esc(subject.name),
                esc(subject.kind),
                link(site.href(src, paths.provider(subject.provider)), subject.provider),
                ", ".join(link(site.href(src, paths.document(d)), d) for d in dict.fromkeys(now)),
            ]
        )
    page.html(
        table(
            ["Subject", "Name", "Kind", "Provider", f"Governed by on {site.as_of.isoformat()}"],
            rows,
        )
    )
    return page


def change_points(site: Site, subject: Subject) -> list[date]:
    """Days on which what governs the subject may change."""
    days: set[date] = set()
    for gov in subject.governed_by:
        days.add(gov.from_)
        if gov.until:
            days.add(gov.until)
        for p in site.kb.timeline(gov.document).placed:
            for day in (p.interval.start, p.interval.end):
                if day and gov.from_ <= day and (gov.until is None or day < gov.until):
                    days.add(day)
    return sorted(days)


def _what_changes(site: Site, subject: Subject, day: date) -> list[str]:
    notes: list[str] = []
    for gov in subject.governed_by:
        if gov.from_ == day:
            notes.append(f"{gov.document} starts governing ({gov.role})")
        if gov.until == day:
            notes.append(f"{gov.document} stops governing")
        if gov.from_ <= day and (gov.until is None or day < gov.until):
            for p in site.kb.timeline(gov.document).placed:
                if p.interval.start == day and gov.from_ != day:
                    notes.append(f"{p.key} takes effect")
                if p.interval.end == day:
                    notes.append(f"{p.key} ends")
    return list(dict.fromkeys(notes))


def fact_rows(site: Site, subject_id: str, action: str) -> list[tuple[str, dict[str, Any]]]:
    """The assignments of facts shown for an action: none, then the key facts."""
    kb = site.kb
    conditions = kb.conditions_for(subject_id, action)
    names: list[str] = []
    for c in conditions:
        for name in cond.facts_named(c):
            if name not in names and name in kb.archive.facts:
                names.append(name)
    rows: list[tuple[str, dict[str, Any]]] = [("no facts given", {})]
    axes = [relevant_values(_spec(kb.archive.facts[n]), n, conditions) for n in names]
    total = 1
    for axis in axes:
        total *= len(axis)
    if names and total <= MAX_COMBINATIONS:
        for combo in itertools.product(*axes):
            facts = {n: v for n, (v, _) in zip(names, combo, strict=True)}
            rows.append((" and ".join(label for _, label in combo), facts))
    else:
        for name, axis in zip(names, axes, strict=True):
            for value, label in axis:
                rows.append((label, {name: value}))
    return rows[: MAX_ROWS + 1]


def _spec(definition: Any) -> FactSpec:
    """The engine's view of a fact definition."""
    values = tuple(definition.values) if definition.values else None
    return FactSpec(definition.id, FactType(definition.type), values)


def matrix(site: Site, subject_id: str, action: str, days: list[date]) -> list[Row]:
    """The answers at each change point, for each assignment of facts."""
    rows = []
    for label, facts in fact_rows(site, subject_id, action):
        cells = []
        for day in days:
            d = site.kb.ask(subject_id, action, on=day, **facts)
            cells.append(Cell(d.verdict.value, tuple(d.obligations)))
        rows.append(Row(label, facts, cells))
    return rows


def _cell(cell: Cell, before: Cell | None, day: date, ask: str) -> str:
    """A verdict in words, its duties and its move from the day before; a link to Ask."""
    mark = ""
    if before is not None:
        old, new = strictness(before.verdict), strictness(cell.verdict)
        if new > old:
            mark = '<span class="tk-move tk-tightened" title="tightened">▲ tightened</span>'
        elif new < old:
            mark = '<span class="tk-move tk-loosened" title="loosened">▼ loosened</span>'
        elif cell != before:
            mark = '<span class="tk-move tk-duties" title="obligations changed">◆ duties</span>'
    duties = (
        f'<span class="tk-duties-count">+{len(cell.obligations)} '
        f"dut{'ies' if len(cell.obligations) != 1 else 'y'}</span>"
        if cell.obligations
        else ""
    )
    href = f"{ask}&on={day.isoformat()}"
    return (
        f'<a class="tk-cell tk-v-{esc(cell.verdict)}" href="{esc(href)}">'
        f"{SYMBOL.get(cell.verdict, '?')} {esc(cell.verdict)}</a>{duties}{mark}"
    )


def _matrix_table(
    days: list[date], rows: list[tuple[str, list[Cell], str]], head: str, col_tips: list[str]
) -> str:
    """Rows of (label, cells, the Ask address of the row without its day)."""
    header = f"<th>{esc(head)}</th>" + "".join(
        f'<th title="{esc(tip)}">{esc(day.isoformat())}</th>'
        for day, tip in zip(days, col_tips, strict=True)
    )
    body = []
    for label, cells, ask in rows:
        tds = "".join(
            f"<td>{_cell(c, cells[i - 1] if i else None, days[i], ask)}</td>"
            for i, c in enumerate(cells)
        )
        body.append(f'<tr><th scope="row">{label}</th>{tds}</tr>')
    return (
        '<div class="tk-table tk-scroll tk-matrix"><table>'
        f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _matrix_legend() -> str:
    return (
        '<p class="tk-legend">'
        + " ".join(f'<span class="tk-cell tk-v-{v}">{s}</span> {v}' for v, s in SYMBOL.items())
        + ' · <span class="tk-move tk-tightened">▲</span> tightened'
        ' · <span class="tk-move tk-loosened">▼</span> loosened'
        ' · <span class="tk-move tk-duties">◆</span> obligations changed'
        ' · <sup class="tk-duties-count">+</sup> with obligations</p>'
    )


def _axis(site: Site, days: list[date]) -> Axis:
    start = days[0] - timedelta(days=max(30, (days[-1] - days[0]).days // 40))
    return Axis(start, max(site.as_of, days[-1] + timedelta(days=60)))


def _verdict_chart(axis: Axis, days: list[date], rows: list[Row], title: str) -> str:
    lanes = []
    for row in rows:
        lane = Lane(row.label)
        for i, (day, cell) in enumerate(zip(days, row.cells, strict=True)):
            end = days[i + 1] if i + 1 < len(days) else None
            if i and row.cells[i - 1] == cell and lane.segments:
                last = lane.segments.pop()
                day = last.start
            tip = f"{row.label}: {cell.verdict} from {day.isoformat()}" + (
                f" until {end.isoformat()}" if end else ""
            )
            lane.segments.append(Segment(day, end, f"tk-v-{cell.verdict}", tip))
        lanes.append(lane)
    return lanes_svg(lanes, axis, title, "tk-verdicts")


def _governance_chart(site: Site, subject: Subject, src: str, axis: Axis) -> str:
    lanes = []
    for gov in subject.governed_by:
        lane = Lane(
            f"{gov.document} ({gov.role})", href=site.href(src, paths.document(gov.document))
        )
        covered = gov.from_
        for p in site.kb.timeline(gov.document).placed:
            start = max(p.interval.start, gov.from_)
            end = p.interval.end
            if gov.until and (end is None or end > gov.until):
                end = gov.until
            if end is not None and end <= start:
                continue
            if gov.until and start >= gov.until:
                continue
            if start > covered:
                lane.segments.append(Segment(covered, start, "tk-gap", "no version archived"))
            lane.segments.append(
                Segment(
                    start,
                    end,
                    "tk-ver-0",
                    f"{p.key} governs from {start.isoformat()}",
                    site.href(src, paths.version(p.key)),
                    p.key.split("@", 1)[1],
                    approx=not p.start.exact,
                )
            )
            covered = end or axis.end
        if covered < (gov.until or axis.end):
            lane.segments.append(Segment(covered, gov.until, "tk-gap", "no version archived"))
        lanes.append(lane)
    return lanes_svg(lanes, axis, f"Documents governing {subject.id} over time", "tk-timeline")


def subject_page(site: Site, subject: Subject) -> PageSource:
    """One subject: what governs it, and what it allowed over time."""
    src = paths.subject(subject.id)
    page = PageSource(src, f"{subject.name} ({subject.id})", edit=f"subjects/{subject.id}.yaml")
    page.html(_intro(site, subject, src))
    page.heading(2, f"At a glance on {site.as_of.isoformat()}", "glance")
    page.html(at_a_glance(site, subject.id, src, site.as_of) + _also(subject))
    page.heading(2, "Governing documents", "governance")
    days = change_points(site, subject)
    axis = _axis(site, days) if days else None
    if axis is not None:
        page.html(
            _governance_chart(site, subject, src, axis)
            + legend(
                [
                    ("tk-ver-0", "a version in force"),
                    ("tk-gap", "no version archived"),
                    ("tk-approx-swatch", "start approximate"),
                ]
            )
        )
    cards = "".join(_governance_card(site, src, gov) for gov in subject.governed_by)
    page.html(
        '<details class="tk-details"><summary>How each document governs it '
        f"({len(subject.governed_by)} range{'s' if len(subject.governed_by) != 1 else ''}: "
        "basis, uncertainty, evidence)</summary>" + cards + "</details>"
    )
    if not days or axis is None:
        return page
    _verdicts_over_time(page, site, subject, days, axis)
    events = site.kb.changes(subject=subject.id)
    if events:
        page.heading(2, "Changes", "changes")
        page.html(_changes_list(site, src, events))
    return page


def glance_line(site: Site, d: Decision) -> str:
    """What the answer turns on or comes with, in one line (no facts given)."""
    if d.verdict.value == "conditional":
        if d.missing_facts:
            return "turns on " + ", ".join(d.missing_facts)
        return "turns on: " + (d.conditions[0] if d.conditions else "something outside the facts")
    if d.verdict.value == "unknown":
        return UNKNOWN_REASONS.get(d.unknown_reason or "", "the archive cannot say")
    duties = len(d.obligations)
    return f"with {duties} dut{'ies' if duties != 1 else 'y'}" if duties else ""


def _clause_link(site: Site, src: str, d: Decision) -> str:
    """A link to the first clause deciding ``d``, at its quote on the version page."""
    deciding = [c for c in d.citations if c.verdict == d.verdict.value] or d.citations
    if not deciding:
        return ""
    c = deciding[0]
    anchor = find_rule(site.kb.version(c.key), c.to_dict()) or ""
    where = f"{c.key}" + (f" §{c.section}" if c.section else "")
    return link(site.href(src, paths.version(c.key), anchor), where)


def at_a_glance(site: Site, subject_id: str, src: str, day: date) -> str:
    """Each action on ``day`` with no facts given: verdict, what it turns on, clause, Ask link.

    The page's script redraws the box for another day with the Ask page's engine.
    """
    rows = []
    for action, definition in site.kb.archive.actions.items():
        d = site.kb.ask(subject_id, action, on=day)
        ask = site.href(src, "ask.md") + f"?subject={subject_id}&action={action}&on={day}"
        rows.append(
            f'<tr data-action="{esc(action)}"><th scope="row">{esc(definition.label)}</th>'
            f"<td>{badge(d.verdict.value)}</td>"
            f'<td class="tk-glance-line">{esc(glance_line(site, d))}</td>'
            f'<td class="tk-glance-clause">{_clause_link(site, src, d)}</td>'
            f'<td><a class="tk-glance-ask" href="{esc(ask)}">Ask</a></td></tr>'
        )
    return (
        f'<form class="tk-glance-form"><label for="tk-glance-on">Day</label> '
        f'<input type="date" id="tk-glance-on" value="{esc(day.isoformat())}" '
        f'data-subject="{esc(subject_id)}"></form>'
        '<div class="tk-glance"><table id="tk-glance"><thead><tr><th>Action</th><th>Verdict</th>'
        "<th>Turns on / comes with</th><th>Deciding clause</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
        '<p class="tk-legend">With no facts given; a conditional answer names the facts it '
        "turns on. Follow Ask to give facts.</p>"
    )


def _intro(site: Site, subject: Subject, src: str) -> str:
    ask = site.href(src, "ask.md") + f"?subject={subject.id}"
    intro = [
        f"<p>{esc(subject.kind.capitalize())} from ",
        link(site.href(src, paths.provider(subject.provider)), subject.provider),
        f'. <a href="{esc(ask)}">Ask a question about it</a>.</p>',
        paragraphs(subject.description, "tk-lede"),
    ]
    return "".join(intro)


def _also(subject: Subject) -> str:
    """Other names and notes, after the answers."""
    names = (
        "<p>Also called: " + ", ".join(code(a) for a in subject.aliases) + ".</p>"
        if subject.aliases
        else ""
    )
    return names + paragraphs(subject.notes)


def _governance_card(site: Site, src: str, gov: Governance) -> str:
    """One governing range: the document, its role and days, its basis and evidence."""
    evidence = "".join("<li>" + _evidence_link(site, src, ref) + "</li>" for ref in gov.evidence)
    until = gov.until.isoformat() if gov.until else "open"
    return (
        '<section class="tk-rule tk-gov-entry"><p class="tk-rule-head">'
        + link(site.href(src, paths.document(gov.document)), gov.document)
        + f' <span class="tk-when">as {esc(gov.role)}, from {esc(gov.from_.isoformat())}'
        + f" until {esc(until)}"
        + (
            f" only if {esc(site.kb.index.words(gov.parsed_when, gov.document))}"
            if gov.parsed_when
            else ""
        )
        + "</span></p>"
        + f"<p>{esc(gov.basis)}</p>"
        + (f'<p class="tk-caveat">Uncertain: {esc(gov.uncertainty)}</p>' if gov.uncertainty else "")
        + (f'<p>Evidence:</p><ul class="tk-evidence">{evidence}</ul>' if evidence else "")
        + "</section>"
    )


def _ask_with(ask: str, action: str, facts: dict[str, Any]) -> str:
    """The Ask address for an action with some facts given (the day is added per cell)."""
    given = "".join(
        f"&f.{name}={str(v).lower() if isinstance(v, bool) else v}" for name, v in facts.items()
    )
    return f"{ask}&action={action}{given}"


def _verdicts_over_time(
    page: PageSource, site: Site, subject: Subject, days: list[date], axis: Axis
) -> None:
    """The answer to every action on each change day: one table, then a chart per action."""
    tips = ["; ".join(_what_changes(site, subject, d)) for d in days]
    actions = list(site.kb.archive.actions)
    matrices = {a: matrix(site, subject.id, a, days) for a in actions}
    ask = site.href(page.src, "ask.md") + f"?subject={subject.id}"
    page.heading(2, "Verdicts over time", "verdicts")
    page.html(
        "<p>The engine's answer on each day the governing texts change, with no facts given; "
        "each answer holds until the next date. Every answer links to the Ask page.</p>"
        + _matrix_table(
            days,
            [(code(a), matrices[a][0].cells, f"{ask}&action={a}") for a in actions],
            "Action",
            tips,
        )
        + _matrix_legend()
        + '<details class="tk-details"><summary>What changes on each of these days</summary><ul>'
        + "".join(
            f"<li><strong>{esc(d.isoformat())}</strong>: {esc(t)}</li>"
            for d, t in zip(days, tips, strict=True)
        )
        + "</ul></details>"
    )
    for action in actions:
        rows_ = matrices[action]
        label = site.kb.archive.actions[action].label
        page.heading(3, f"{action}: {label}", f"action-{action}")
        page.html(
            _verdict_chart(axis, days, rows_, f"{action} with {subject.id} over time")
            + legend(VERDICT_LEGEND)
            + '<details class="tk-details"><summary>Answers by facts and date</summary>'
            + _matrix_table(
                days,
                [(esc(r.label), r.cells, _ask_with(ask, action, r.facts)) for r in rows_],
                "Facts",
                tips,
            )
            + "</details>"
        )


def _evidence_link(site: Site, src: str, ref: Any) -> str:
    key = f"{ref.document}@{ref.version}"
    quote = f"“{esc(ref.quote)}”"
    if not site.version_exists(key):
        return f"{quote} ({esc(key)})"
    index = site.evidence_index(key, ref.quote, ref.quote_file)
    anchor = f"qe-{index}" if index is not None else ""
    return f"{quote} — " + link(site.href(src, paths.version(key), anchor), key)


def _changes_list(site: Site, src: str, events: list[ChangeEvent]) -> str:
    rows = []
    for e in events:
        pair = site.pair_by_keys.get((e.old, e.new))
        where = (
            link(site.href(src, pair.src), f"{e.old} → {e.new}")
            if pair
            else esc(f"{e.old} → {e.new}")
        )
        rows.append(
            [
                esc(e.on.isoformat()),
                badge(e.direction.value, "d"),
                esc(f"{e.kind} ({e.scope})"),
                where,
                f"<p>{esc(e.summary)}</p>{actions_html(e)}",
            ]
        )
    return table(["Date", "Direction", "Kind", "Change", "What changed"], rows)
