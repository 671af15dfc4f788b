"""``tos-kb diff`` and ``tos-kb changes``: what changed, and in which direction.

Why a module of its own: the diff views (terminal, Markdown, HTML, JSON) are
presentation, kept apart from the commands that answer questions.
"""

from __future__ import annotations

import html
import json

import click

from tos_kb.cli.common import console, friendly, load_kb, terms_option
from tos_kb.diff.changes import ChangeEvent, VersionDiff
from tos_kb.diff.rules import Direction

DIRECTION_STYLE = {
    Direction.TIGHTENED: "bold red",
    Direction.LOOSENED: "bold green",
    Direction.MIXED: "bold yellow",
    Direction.REWORDED: "cyan",
    Direction.UNCHANGED: "dim",
}
FORMATS = click.Choice(["text", "markdown", "json", "html"])


def _rule_lines(diff: VersionDiff) -> list[str]:
    lines = []
    for change in diff.changed_rules():
        lines.append(change.summary)
        if change.tighter:
            lines.append(f"    tighter {change.tighter.describe()}")
        if change.looser:
            lines.append(f"    looser  {change.looser.describe()}")
        if change.gaps:
            lines.append(
                "    some answers are not compared: an excerpt's silence or a period "
                "with no archived text is a gap, not a change"
            )
    for move in diff.quotes:
        if move.status != "kept":
            where = f" -> §{move.new_section}" if move.new_section else ""
            lines.append(
                f'quote of {move.action} (§{move.old_section}) {move.status}{where}: "{move.quote}"'
            )
            if move.new_passage:
                lines.append(f'    now reads: "{move.new_passage}"')
    return lines


@click.command()
@click.argument("old")
@click.argument("new")
@click.argument("new_date", required=False)
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@click.option("--rules-only", is_flag=True, help="Skip the text diff.")
@terms_option
@friendly
def diff(
    old: str, new: str, new_date: str | None, fmt: str, rules_only: bool, terms: str | None
) -> None:
    """Diff OLD and NEW versions (doc@version), or DOC DATE1 DATE2."""
    kb = load_kb(terms)
    result = (
        kb.diff(old, new, new_date, with_text=not rules_only)
        if new_date
        else kb.diff(old, new, with_text=not rules_only)
    )
    from tos_kb.diff import render

    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    rules = _rule_lines(result)
    if fmt == "markdown":
        md = [
            f"# {result.old} → {result.new}: {result.direction.value}",
            "",
            "## Rule changes",
            "",
        ]
        md += [f"- {line.strip()}" for line in rules] or ["- none"]
        if result.text is not None:
            md += ["", "## Text", "", render.to_markdown(result.text)]
        click.echo("\n".join(md))
        return
    if fmt == "html":
        body = "".join(f"<li>{html.escape(line.strip())}</li>" for line in rules)
        text = render.to_html(result.text) if result.text is not None else ""
        click.echo(
            f"<!doctype html><meta charset='utf-8'><title>{html.escape(result.old)} → "
            f"{html.escape(result.new)}</title><h1>{html.escape(result.old)} → "
            f"{html.escape(result.new)}: {result.direction.value}</h1>"
            f"<h2>Rule changes</h2><ul>{body}</ul><h2>Text</h2>{text}"
        )
        return
    out = console()
    style = DIRECTION_STYLE[result.direction]
    out.print(f"[bold]{result.old} → {result.new}[/]: [{style}]{result.direction.value}[/]")
    out.print("[bold]Rule changes[/]")
    for line in rules or ["none"]:
        out.print(f"  {line}", markup=False)
    if result.text is not None:
        out.print("[bold]Text[/]")
        out.print(render.to_rich(result.text))


def _event_lines(e: ChangeEvent) -> list[str]:
    """An event: its day, direction and scope, its summary, then each action's sentence."""
    who = e.subject or e.document or ""
    lines = [f"{e.on}  {e.direction.value:<9} {who} ({e.kind}, {e.scope})", f"  {e.summary}"]
    lines += [f"    - {change.summary}" for change in e.actions]
    return lines


def _events_markdown(events: list[ChangeEvent]) -> str:
    out = []
    for e in events:
        out += [
            f"## {e.on} · {e.direction.value} · {e.subject or e.document} ({e.kind})",
            "",
            e.summary,
            "",
        ]
        out += [f"- {c.summary}" for c in e.actions]
        out.append("")
    return "\n".join(out) or "No changes."


def _events_html(events: list[ChangeEvent]) -> str:
    items = "".join(
        f"<section><h2>{e.on} · {html.escape(e.direction.value)} · "
        f"{html.escape(e.subject or e.document or '')}</h2>"
        f"<p>{html.escape(e.summary)}</p><ul>"
        + "".join(f"<li>{html.escape(c.summary)}</li>" for c in e.actions)
        + "</ul></section>"
        for e in events
    )
    return f"<!doctype html><meta charset='utf-8'><title>Changes</title>{items}"


@click.command()
@click.option("--subject", default=None)
@click.option("--document", default=None)
@click.option("--action", default=None)
@click.option("--direction", type=click.Choice([d.value for d in Direction]), default=None)
@click.option("--since", default=None, help="YYYY-MM-DD")
@click.option("--until", default=None, help="YYYY-MM-DD")
@click.option("--include-reworded", is_flag=True, help="Also list rewordings that move no answer.")
@click.option("--format", "fmt", type=FORMATS, default="text", show_default=True)
@terms_option
@friendly
def changes(
    subject: str | None,
    document: str | None,
    action: str | None,
    direction: str | None,
    since: str | None,
    until: str | None,
    include_reworded: bool,
    fmt: str,
    terms: str | None,
) -> None:
    """Change events, one per day and subject or document, in plain words with witnesses."""
    kb = load_kb(terms)
    events = kb.changes(
        subject=subject,
        document=document,
        action=action,
        direction=direction,
        since=since,
        until=until,
        include_reworded=include_reworded,
    )
    if fmt == "json":
        click.echo(json.dumps([e.to_dict() for e in events], indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(_events_markdown(events))
    elif fmt == "html":
        click.echo(_events_html(events))
    else:
        out = console()
        for e in events:
            style = DIRECTION_STYLE[e.direction].replace("bold ", "")
            for line in _event_lines(e):
                out.print(line, markup=False, style=style if line[:1].isdigit() else None)
        out.print(f"{len(events)} event(s).")
