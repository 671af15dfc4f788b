"""``tos-kb ask`` and ``tos-kb history``: questions, answered as ``kb.ask`` answers them."""

from __future__ import annotations

import json

import click

from tos_kb.answer.decision import Decision, render
from tos_kb.cli.common import (
    VERDICT_STYLE,
    console,
    fact_option,
    friendly,
    load_kb,
    parse_facts,
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
        click.echo(d.explain())
        return
    from rich.markup import escape

    out = console()
    for kind, text in render(d):
        style = VERDICT_STYLE[d.verdict] if kind == "verdict" else LINE_STYLE.get(kind)
        out.print(escape(text), style=style)


@click.command()
@click.argument("subject")
@click.argument("action")
@fact_option
@click.option("--json", "as_json", is_flag=True, help="Print the periods as JSON.")
@terms_option
@friendly
def history(
    subject: str, action: str, facts: tuple[str, ...], as_json: bool, terms: str | None
) -> None:
    """When was ACTION permitted with SUBJECT? The answer over the whole archive."""
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
