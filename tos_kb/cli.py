"""The ``tos-kb`` command line: the Python API for people and shell scripts.

Why click + rich: readable coloured output for people, ``--json`` for
scripts, and errors as one clear sentence with exit status 2 (usage) or 1
(problems found), never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from .decision import Decision
from .kb import FactValueError, KnowledgeBase, UnknownNameError, default_terms_path, load
from .loader import load_archive
from .problems import KnowledgeBaseError
from .validate import check_structure, check_texts
from .vocab import FactType, Verdict

F = TypeVar("F", bound=Callable[..., Any])
VERDICT_STYLE = {
    Verdict.PERMITTED: "bold green",
    Verdict.PROHIBITED: "bold red",
    Verdict.CONDITIONAL: "bold yellow",
    Verdict.UNKNOWN: "bold magenta",
}


def _console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def _friendly(func: F) -> F:
    """Turn the errors a user can cause into one clear message and exit status."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KnowledgeBaseError as exc:
            click.echo(str(exc), err=True)
            click.echo("Run 'tos-kb validate' for details.", err=True)
            sys.exit(1)
        except (UnknownNameError, FactValueError, ValueError) as exc:
            raise click.UsageError(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def _load(terms: str | None, rev: str | None = None) -> KnowledgeBase:
    if rev is not None:
        return load(Path(terms).parent if terms else None, rev=rev)
    return load(terms)


rev_option = click.option(
    "--rev",
    default=None,
    metavar="REV",
    help="Answer from terms/ as recorded at this git revision (tag, branch or commit).",
)


fact_option = click.option(
    "--fact",
    "facts",
    multiple=True,
    metavar="NAME=VALUE",
    help="A fact of the question; repeat for several.",
)
terms_option = click.option(
    "--terms",
    type=click.Path(file_okay=False),
    default=None,
    help="The terms/ folder to read (default: the shipped one).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tos-kb")
def main() -> None:
    """What AI providers' terms and model licences allowed, on which day."""


def parse_fact(kb: KnowledgeBase, text: str) -> tuple[str, Any]:
    """``name=value`` typed by the fact vocabulary (true/false, numbers with _ or ,)."""
    if "=" not in text:
        raise click.BadParameter(f"expected name=value, found {text!r}", param_hint="--fact")
    name, raw = (part.strip() for part in text.split("=", 1))
    definition = kb.facts.get(name)
    if definition is None:
        raise UnknownNameError(f"unknown fact {name!r}. Valid facts: {', '.join(sorted(kb.facts))}")
    if definition.type == FactType.BOOLEAN:
        lowered = raw.lower()
        if lowered in ("true", "yes", "1"):
            return name, True
        if lowered in ("false", "no", "0"):
            return name, False
        raise click.BadParameter(
            f"fact {name!r} takes true or false, found {raw!r}", param_hint="--fact"
        )
    if definition.type == FactType.INTEGER:
        try:
            return name, int(raw.replace("_", "").replace(",", ""))
        except ValueError:
            raise click.BadParameter(
                f"fact {name!r} takes a whole number, found {raw!r}", param_hint="--fact"
            ) from None
    return name, raw


@main.command()
@click.argument("subject")
@click.argument("action")
@click.option("--on", "on", required=True, help="The day, YYYY-MM-DD.")
@fact_option
@click.option("--json", "as_json", is_flag=True, help="Print the decision as JSON.")
@terms_option
@rev_option
@_friendly
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
    kb = _load(terms, rev)
    given = dict(parse_fact(kb, f) for f in facts)
    decision = kb.ask(subject, action, on=on, **given)
    if as_json:
        click.echo(json.dumps(decision.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_decision(decision)


def _print_decision(d: Decision) -> None:
    console = _console()
    facts = ", ".join(f"{k}={v}" for k, v in d.facts.items()) or "no facts given"
    console.print(f"[bold]{d.action}[/] with [bold]{d.subject}[/] on {d.on} ({escape(facts)})")
    console.print(f"Verdict: [{VERDICT_STYLE[d.verdict]}]{d.verdict.value.upper()}[/]")
    for reason in d.reasons:
        console.print(f"  • {reason}", markup=False)
    if d.missing_facts:
        console.print(f"[yellow]Turns on:[/] {', '.join(d.missing_facts)}")
    for condition in d.conditions:
        console.print(f"  condition: {condition}", markup=False)
    for branch in d.branches:
        style = VERDICT_STYLE[branch.verdict]
        extra = f" — {'; '.join(branch.obligations)}" if branch.obligations else ""
        console.print(
            f"  if {escape(branch.assumption)}: [{style}]{branch.verdict.value}[/]{escape(extra)}"
        )
    if d.obligations:
        heading = (
            "Obligations"
            if d.verdict != Verdict.CONDITIONAL
            else "Obligations (of the rules that may apply; see each case above)"
        )
        console.print(f"[bold]{heading}[/]")
        for obligation in d.obligations:
            console.print(f"  • {obligation}", markup=False)
    if d.citations:
        console.print("[bold]Deciding clauses[/]")
        for c in d.citations:
            section = f" §{c.section}" if c.section else ""
            console.print(f"  [{c.verdict}] {c.key}{section}", markup=False)
            if c.quote:
                console.print(f'    "{c.quote}"', markup=False, style="italic")
            console.print(f"    {c.source_url}", markup=False, style="dim")
    for caveat in d.caveats:
        console.print(f"[magenta]Caveat:[/] {escape(caveat)}")


@main.command()
@click.argument("subject")
@click.argument("action")
@fact_option
@click.option("--json", "as_json", is_flag=True, help="Print the periods as JSON.")
@terms_option
@_friendly
def history(
    subject: str, action: str, facts: tuple[str, ...], as_json: bool, terms: str | None
) -> None:
    """When was ACTION permitted with SUBJECT? The answer over the whole archive."""
    kb = _load(terms)
    given = dict(parse_fact(kb, f) for f in facts)
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
    console = _console()
    for p in periods:
        d = p.decision
        until = p.end.isoformat() if p.end else "…"
        cited = ", ".join(dict.fromkeys(c.key for c in d.citations)) or "—"
        extra = f" (turns on {', '.join(d.missing_facts)})" if d.missing_facts else ""
        console.print(
            f"{p.start} → {until:<10} [{VERDICT_STYLE[d.verdict]}]"
            f"{d.verdict.value:<11}[/]{escape(extra)}  {escape(cited)}"
        )


@main.command()
@click.argument("path", required=False, type=click.Path(file_okay=False))
@click.option(
    "--terms",
    "terms",
    type=click.Path(file_okay=False),
    default=None,
    help="Same as PATH, for symmetry with the other commands.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--quick", is_flag=True, help="Skip the checks that read the texts (hashes, quotes).")
def validate(path: str | None, terms: str | None, fmt: str, quick: bool) -> None:
    """Check every record under PATH (default: the shipped terms/); exit 1 on any problem."""
    chosen = path or terms
    root = Path(chosen) if chosen else default_terms_path()
    archive = load_archive(root)
    check_structure(archive)
    if not quick:
        check_texts(archive)
    problems = sorted(archive.problems, key=lambda p: (p.file, p.line or 0, p.column or 0))
    versions = sum(len(v) for v in archive.versions.values())
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": not problems,
                    "versions": versions,
                    "documents": len(archive.documents),
                    "subjects": len(archive.subjects),
                    "problems": [p.to_dict() for p in problems],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        console = _console()
        for problem in problems:
            console.print(problem.render(), markup=False)
        summary = (
            f"{len(archive.documents)} documents, {versions} versions, "
            f"{len(archive.subjects)} subjects"
        )
        if problems:
            console.print(f"[bold red]{len(problems)} problem(s)[/] in {summary}.")
        else:
            console.print(f"[bold green]OK[/]: {summary}, no problems.")
    sys.exit(1 if problems else 0)


@main.command()
@terms_option
@click.option("--json", "as_json", is_flag=True)
@_friendly
def subjects(terms: str | None, as_json: bool) -> None:
    """List the subjects (services and models) and what governs them."""
    kb = _load(terms)
    if as_json:
        click.echo(
            json.dumps(
                [
                    s.model_dump(mode="json", by_alias=True, exclude_none=True)
                    for s in kb.subjects()
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
        return
    table = Table("subject", "kind", "aliases", "governed by")
    for s in kb.subjects():
        table.add_row(
            s.id,
            s.kind,
            ", ".join(s.aliases),
            "\n".join(
                f"{g.document} ({g.role}) {g.from_} → {g.until or '…'}" for g in s.governed_by
            ),
        )
    _console().print(table)


@main.command()
@terms_option
@click.option("--json", "as_json", is_flag=True)
@_friendly
def actions(terms: str | None, as_json: bool) -> None:
    """List the actions a question can be about."""
    kb = _load(terms)
    if as_json:
        click.echo(json.dumps([a.model_dump(mode="json") for a in kb.actions.values()], indent=2))
        return
    table = Table("action", "parent", "definition")
    for a in kb.actions.values():
        table.add_row(a.id, a.parent or "", a.definition)
    _console().print(table)


@main.command()
@terms_option
@click.option("--json", "as_json", is_flag=True)
@_friendly
def facts(terms: str | None, as_json: bool) -> None:
    """List the facts a question may state."""
    kb = _load(terms)
    if as_json:
        click.echo(json.dumps([f.model_dump(mode="json") for f in kb.facts.values()], indent=2))
        return
    table = Table("fact", "type", "meaning")
    for f in kb.facts.values():
        kind = f"enum: {', '.join(f.values or [])}" if f.values else f.type.value
        table.add_row(f.id, kind, f.meaning)
    _console().print(table)


@main.command()
@click.argument("ref")
@terms_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--text", "with_text", is_flag=True, help="Also print the verbatim text.")
@_friendly
def show(ref: str, terms: str | None, as_json: bool, with_text: bool) -> None:
    """Show a subject (its governing documents), a document (DOC) or a version (DOC@VERSION)."""
    kb = _load(terms)
    console = _console()
    if "@" not in ref and "/" not in ref:
        subject = kb.subject(ref)
        if as_json:
            click.echo(
                json.dumps(
                    subject.model_dump(mode="json", by_alias=True, exclude_none=True),
                    indent=2,
                    ensure_ascii=False,
                )
            )
            return
        aliases = f" (also: {', '.join(subject.aliases)})" if subject.aliases else ""
        console.print(
            f"[bold]{escape(subject.name)}[/] — {subject.id}, a {subject.kind}{escape(aliases)}"
        )
        for g in subject.governed_by:
            scope = f" if {g.parsed_when.describe()}" if g.parsed_when else ""
            console.print(
                f"  {g.document} ({g.role}{scope}) {g.from_} → {g.until or '…'}", markup=False
            )
            console.print(f"      {g.basis}", markup=False, style="dim")
            if g.uncertainty:
                console.print(f"      uncertain: {g.uncertainty}", markup=False, style="magenta")
        return
    if "@" not in ref:
        timeline = kb.timeline(ref)
        document = kb.documents[ref]
        if as_json:
            click.echo(
                json.dumps(
                    {
                        "document": document.model_dump(mode="json", exclude_none=True),
                        "versions": [
                            {
                                "version": p.key.split("@", 1)[1],
                                "from": p.interval.start.isoformat(),
                                "until": p.interval.end.isoformat() if p.interval.end else None,
                                "exact": p.start.exact,
                            }
                            for p in timeline.placed
                        ],
                        "undated": [k.split("@", 1)[1] for k in timeline.undated],
                    },
                    indent=2,
                )
            )
            return
        console.print(f"[bold]{escape(document.title)}[/] ({escape(ref)}, {document.kind})")
        for p in timeline.placed:
            mark = "" if p.start.exact else " (approximate start)"
            console.print(f"  {p.key}  {p.interval}{mark}", markup=False)
        for key in timeline.undated:
            console.print(f"  {key}  (undated)", markup=False)
        return
    entry = kb.version(ref)
    record = entry.record
    if as_json:
        data = record.model_dump(mode="json", exclude_none=True, by_alias=True)
        if with_text:
            data["text"] = entry.read_text()
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    console.print(f"[bold]{escape(record.title)}[/] — {escape(ref)}")
    console.print(f"  effective {record.effective} ({record.effective_basis})", markup=False)
    if record.published:
        console.print(f"  published {record.published}", markup=False)
    console.print(
        f"  retrieved {record.retrieved}; coverage {record.coverage}; sha256 {record.sha256[:12]}…",
        markup=False,
    )
    console.print(f"  source {record.source_url}", markup=False)
    for rule in record.rules:
        when = f" when {rule.parsed_when.describe()}" if rule.parsed_when else ""
        style = {"permitted": "green", "prohibited": "red", "conditional": "yellow"}.get(
            rule.verdict.value, "magenta"
        )
        console.print(
            f"  [{style}]{rule.verdict.value:<11}[/] {rule.action}{when}"
            + (f" §{rule.section}" if rule.section else "")
        )
        if rule.quote:
            console.print(f'      "{rule.quote}"', markup=False, style="italic")
    if with_text:
        console.print(entry.read_text(), markup=False)


@main.command()
@click.argument("document", required=False)
@terms_option
@click.option("--json", "as_json", is_flag=True)
@_friendly
def versions(document: str | None, terms: str | None, as_json: bool) -> None:
    """List every archived version (of DOCUMENT if given)."""
    kb = _load(terms)
    records = kb.versions(document)
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "key": f"{r.document}@{r.version}",
                        "effective": r.effective,
                        "coverage": r.coverage,
                        "title": r.title,
                    }
                    for r in records
                ],
                indent=2,
            )
        )
        return
    for r in records:
        click.echo(f"{r.document}@{r.version}\t{r.effective}\t{r.coverage}\t{r.title}")


@main.command()
@click.option("--out", type=click.Path(file_okay=False), default="schema", show_default=True)
def schema(out: str) -> None:
    """Regenerate the JSON Schemas from the record models."""
    from .schema import write_all

    for path in write_all(Path(out)):
        click.echo(f"wrote {path}")


@main.command()
@terms_option
@click.option("--write", is_flag=True, help="Refresh the table in terms/README.md.")
@_friendly
def coverage(terms: str | None, write: bool) -> None:
    """The documents and versions the archive covers, as a Markdown table."""
    from .coverage import markdown, refresh

    kb = _load(terms)
    if write:
        readme = kb.root / "README.md"
        changed = refresh(readme, kb)
        click.echo(f"{'updated' if changed else 'unchanged'}: {readme}")
        return
    click.echo(markdown(kb))


@main.command()
@click.option(
    "--base",
    default="HEAD",
    show_default=True,
    help="The git revision to compare with (e.g. origin/main).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    default=None,
    help="Also write the Markdown report to this file.",
)
@terms_option
def review(base: str, out: str | None, terms: str | None) -> None:
    """Report what a change to terms/ does: problems in the changed files, answers moved."""
    from .review import build, to_markdown

    try:
        report = build(Path(terms) if terms else default_terms_path(), base)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    text = to_markdown(report)
    click.echo(text)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    sys.exit(0 if report.ok else 1)


def _register_optional() -> None:
    """Commands that live in their own modules (scaffolding, diffs)."""
    from .cli_changes import changes, diff
    from .scaffold import new

    for command in (new, diff, changes):
        main.add_command(command)


_register_optional()
