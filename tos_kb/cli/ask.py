"""``tos-kb ask`` and ``tos-kb history``: questions, answered as ``kb.ask`` answers them."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tos_kb.answer.decision import Decision, render
from tos_kb.cli.common import (
    VERDICT_STYLE,
    console,
    fact_option,
    friendly,
    load_kb,
    parse_facts,
    printable,
    rev_option,
    styled,
    terms_option,
)


@click.command()
@click.argument("subject")
@click.argument("action")
@click.option("--on", "on", required=True, help="The day, YYYY-MM-DD.")
@fact_option
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@terms_option
@rev_option
@friendly
def ask(
    subject: str,
    action: str,
    on: str,
    facts: tuple[str, ...],
    as_json: bool,
    terms: str | None,
    rev: str | None,
) -> None:
    """Was ACTION permitted with SUBJECT on a day, given some facts?"""
    kb = load_kb(terms, rev)
    given = parse_facts(kb, facts)
    decision = kb.ask(subject, action, on=on, **given)
    if as_json:
        click.echo(json.dumps(decision.to_dict(), indent=2, ensure_ascii=False))
        return
    print_decision(decision)


LINE_STYLE = {
    "heading": "bold",
    "turns-on": "yellow",
    "obligations-heading": "bold",
    "clauses-heading": "bold",
    "quote": "italic",
    "source": "dim",
    "caveat": "magenta",
}


def print_decision(d: Decision) -> None:
    """The decision as ``explain()`` words it, with colour where the terminal has it."""
    if not styled():
        click.echo(printable(d.explain()))
        return
    from rich.markup import escape

    out = console()
    for kind, text in render(d):
        style = VERDICT_STYLE[d.verdict] if kind == "verdict" else LINE_STYLE.get(kind)
        out.print(escape(printable(text)), style=style)


@click.command()
@click.argument("subject")
@click.argument("action")
@fact_option
@click.option("--json", "as_json", is_flag=True, help="Print the periods as JSON.")
@click.option(
    "--on", "on", default=None, help="With --commits: the day of the question, YYYY-MM-DD."
)
@click.option(
    "--commits",
    is_flag=True,
    help="How the archive's answer on --on changed across the git commits that touched terms/.",
)
@terms_option
@friendly
def history(
    subject: str,
    action: str,
    facts: tuple[str, ...],
    as_json: bool,
    on: str | None,
    commits: bool,
    terms: str | None,
) -> None:
    """When was ACTION permitted with SUBJECT? The answer over the whole archive.

    With --commits --on DAY: the answer to the question on DAY as the archive recorded
    it commit after commit (each commit where it changed: commit, date, message).
    """
    if commits:
        if on is None:
            raise click.UsageError("--commits needs --on DAY: the day of the question")
        print_commits(subject, action, on, facts, as_json, terms)
        return
    if on is not None:
        raise click.UsageError("--on goes with --commits; for one day, use tos-kb ask")
    kb = load_kb(terms)
    given = parse_facts(kb, facts)
    periods = kb.history(subject, action, **given)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "from": p.start.isoformat(),
                        "until": p.end.isoformat() if p.end else None,
                        "decision": p.decision.to_dict(),
                    }
                    for p in periods
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    from rich.markup import escape

    out = console()
    for p in periods:
        d = p.decision
        until = p.end.isoformat() if p.end else "…"
        cited = ", ".join(dict.fromkeys(c.key for c in d.citations)) or "—"
        extra = f" (turns on {', '.join(d.missing_facts)})" if d.missing_facts else ""
        out.print(
            f"{p.start} → {until:<10} [{VERDICT_STYLE[d.verdict]}]"
            f"{d.verdict.value:<11}[/]{escape(extra)}  {escape(cited)}"
        )


def print_commits(
    subject: str, action: str, on: str, facts: tuple[str, ...], as_json: bool, terms: str | None
) -> None:
    """``history --commits``: one line per commit at which the answer changed."""
    from tos_kb.lineage.commits import answer_across_commits

    given = parse_facts(load_kb(terms), facts)  # typed by today's vocabulary
    repo = Path(terms).parent if terms else None
    rows = answer_across_commits(subject, action, on, given, repo=repo)
    if as_json:
        click.echo(json.dumps([r.to_dict() for r in rows], indent=2, ensure_ascii=False))
        return
    from rich.markup import escape

    out = console()
    for row in rows:
        d = row.decision
        if d is None:
            shown = f"[bold]error[/]       {escape(row.error or '')}"
        else:
            cited = ", ".join(dict.fromkeys(c.key for c in d.citations)) or "—"
            extra = f" (turns on {', '.join(d.missing_facts)})" if d.missing_facts else ""
            style = VERDICT_STYLE[d.verdict]
            shown = f"[{style}]{d.verdict.value:<11}[/]{escape(extra)}  {escape(cited)}"
        out.print(f"{row.commit[:12]} {row.when.date()}  {shown}  {escape(row.message)}")
