"""What the archive covers: the coverage page, and the home page's generated parts.

Coverage is stated plainly because answers depend on it: a day on which a
governing document has no archived version is answered ``unknown``.
"""

from __future__ import annotations

from datetime import date

from tos_kb.answer.decision import UNKNOWN_REASONS
from tos_kb.records.models import Subject

from . import paths
from .changelog import event_link, scope_link
from .context import Site
from .markup import PageSource, badge, code, esc, link, table

SRC = "coverage.md"
LATEST = 12


def gaps(site: Site, subject: Subject) -> list[tuple[str, date, date | None]]:
    """(document, from, until) spans where a governing document has no version in force."""
    found: list[tuple[str, date, date | None]] = []
    for gov in subject.governed_by:
        timeline = site.kb.timeline(gov.document)
        if not timeline.placed:
            if len(timeline.undated) != 1:
                found.append((gov.document, gov.from_, gov.until))
            continue
        covered = gov.from_
        for p in timeline.placed:
            start, end = p.interval.start, p.interval.end
            if gov.until and start >= gov.until:
                break
            if end is not None and end <= covered:
                continue
            if start > covered:
                found.append((gov.document, covered, start))
            covered = end if end is not None else date.max
            if covered == date.max:
                break
        limit = gov.until or date.max
        if covered < limit:
            found.append((gov.document, covered, gov.until))
    return found


def summary(site: Site) -> str:
    """Counts of what is archived (for the home page)."""
    kb = site.kb
    records = kb.versions()
    full = sum(1 for r in records if r.coverage == "full")
    return (
        '<ul class="tk-summary">'
        f"<li>{len(kb.archive.providers)} providers, {len(kb.documents)} documents, "
        f"{len(records)} versions ({full} full texts, {len(records) - full} excerpts)</li>"
        f"<li>{len(kb.archive.subjects)} subjects, {len(kb.archive.actions)} actions, "
        f"{len(kb.archive.facts)} facts</li>"
        f"<li>{len(site.changes)} changes of an answer</li>"
        f"<li>texts retrieved up to {esc(site.as_of.isoformat())}</li>"
        "</ul>"
    )


def latest_changes(site: Site, src: str) -> str:
    """The latest change events, one row each with its summary and each action's direction."""
    rows = []
    for e in list(reversed(site.changes))[:LATEST]:
        actions = " ".join(
            f'<span class="tk-action-move">{code(c.action)} {badge(c.direction.value, "d")}</span>'
            for c in e.actions
        )
        rows.append(
            [
                esc(e.on.isoformat()),
                scope_link(site, src, e),
                event_link(site, src, e) + f"<p>{esc(e.summary)}</p>",
                actions,
            ]
        )
    return table(["Date", "Subject or document", "Change", "Actions"], rows) + (
        f'<p><a href="{esc(site.href(src, "changes/index.md"))}">All changes</a> · '
        f'<a href="{esc(site.href(src, "feed.xml"))}">Atom feed</a></p>'
    )


def unknown_counts(site: Site) -> dict[str, int]:
    """How many no-fact answers on change days are unknown, by ``unknown_reason``."""
    kb = site.kb
    counts = dict.fromkeys(UNKNOWN_REASONS, 0)
    for subject_id in kb.index.subject_ids:
        for day in kb.index.change_days(subject_id):
            for action in kb.index.parents:
                reason = kb.ask(subject_id, action, on=day).unknown_reason
                if reason is not None:
                    counts[reason] += 1
    return counts


def excerpt_gaps(site: Site) -> list[tuple[str, str, date, date | None]]:
    """(subject, action, from, until) where the answer is unknown because of an excerpt."""
    found = []
    for subject_id in site.kb.index.subject_ids:
        for action in site.kb.index.parents:
            for period in site.kb.history(subject_id, action):
                if period.decision.unknown_reason == "excerpt-does-not-cover":
                    found.append((subject_id, action, period.start, period.end))
    return found


def excerpt_table(site: Site) -> str:
    """:func:`excerpt_gaps` as a table with links to the subjects."""
    rows = [
        [
            link(site.href(SRC, paths.subject(subject_id)), subject_id),
            code(action),
            esc(start.isoformat()),
            esc(end.isoformat() if end else "open"),
        ]
        for subject_id, action, start, end in excerpt_gaps(site)
    ]
    if not rows:
        return "<p>None.</p>"
    return table(["Subject", "Action", "From", "Until"], rows)


def unknown_table(site: Site) -> str:
    """The counts of :func:`unknown_counts` with the words ``explain()`` uses."""
    rows = [
        [code(reason), esc(UNKNOWN_REASONS[reason]), esc(count)]
        for reason, count in unknown_counts(site).items()
    ]
    return table(["Reason", "Meaning", "Answers"], rows)


def page(site: Site) -> PageSource:
    """The coverage page: subjects, why answers are unknown, documents."""
    out = PageSource(SRC, "Coverage")
    out.html(
        "<p>What this archive holds, and where it has holes. A question about a day on which "
        "a governing document has no archived version is answered <em>unknown</em>, never "
        "guessed.</p>" + summary(site)
    )
    out.heading(2, "Subjects", "subjects")
    out.html(_subjects_table(site))
    out.heading(2, "Why answers are unknown", "unknown")
    out.html(
        "<p>Every subject and action asked on every day an answer can change, with no facts "
        "given: how many answers are unknown, by reason.</p>" + unknown_table(site)
    )
    out.heading(2, "Unknown because the archived text is an excerpt", "excerpts")
    out.html(
        "<p>Days on which an answer (no facts given) is unknown because the archived texts in "
        "force are excerpts that do not reach a clause on the action: the gaps an excerpt "
        "leaves, which the table of subjects above does not show.</p>" + excerpt_table(site)
    )
    out.heading(2, "Documents", "documents")
    out.html(_documents_table(site))
    return out


def _subjects_table(site: Site) -> str:
    """Each subject: covered from when, its gaps, and its answers today with no facts."""
    kb = site.kb
    rows = []
    for subject in kb.subjects():
        first = min((g.from_ for g in subject.governed_by), default=None)
        holes = gaps(site, subject)
        answers: dict[str, int] = {}
        for action in kb.archive.actions:
            verdict = kb.ask(subject.id, action, on=site.as_of).verdict.value
            answers[verdict] = answers.get(verdict, 0) + 1
        rows.append(
            [
                link(site.href(SRC, paths.subject(subject.id)), subject.id),
                esc(first.isoformat() if first else ""),
                "<br>".join(
                    f"{esc(doc)}: {esc(a.isoformat())} – {esc(b.isoformat() if b else 'open')}"
                    for doc, a, b in holes
                ),
                " ".join(f"{badge(v)} {n}" for v, n in sorted(answers.items())),
            ]
        )
    headers = [
        "Subject",
        "Covered from",
        "Gaps (no version archived)",
        f"Answers on {site.as_of.isoformat()}, no facts",
    ]
    return table(headers, rows)


def _documents_table(site: Site) -> str:
    """Each document: its versions, how many are full texts, when it starts, undated ones."""
    kb = site.kb
    rows = []
    for doc_id in sorted(kb.documents):
        records = kb.versions(doc_id)
        timeline = kb.timeline(doc_id)
        full = sum(1 for r in records if r.coverage == "full")
        rows.append(
            [
                link(site.href(SRC, paths.document(doc_id)), doc_id),
                esc(len(records)),
                esc(f"{full} full, {len(records) - full} excerpt"),
                esc(timeline.placed[0].interval.start.isoformat() if timeline.placed else ""),
                esc(len(timeline.undated) or ""),
            ]
        )
    return table(["Document", "Versions", "Coverage", "First in force", "Undated"], rows)
