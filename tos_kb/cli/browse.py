"""Browsing the archive: subjects, actions, facts, ``show`` and ``versions``."""

from __future__ import annotations

import json

import click
from rich.markup import escape
from rich.table import Table

from tos_kb.cli.common import console, friendly, load_kb, printable, terms_option
from tos_kb.kb import KnowledgeBase


@click.command()
@terms_option
@click.option("--json", "as_json", is_flag=True)
@friendly
def subjects(terms: str | None, as_json: bool) -> None:
    """List the subjects (services and models) and what governs them."""
    kb = load_kb(terms)
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
    console().print(table)


@click.command()
@terms_option
@click.option("--json", "as_json", is_flag=True)
@friendly
def actions(terms: str | None, as_json: bool) -> None:
    """List the actions a question can be about."""
    kb = load_kb(terms)
    if as_json:
        click.echo(json.dumps([a.model_dump(mode="json") for a in kb.actions.values()], indent=2))
        return
    table = Table("action", "parent", "definition")
    for a in kb.actions.values():
        table.add_row(a.id, a.parent or "", a.definition)
    console().print(table)


@click.command()
@terms_option
@click.option("--json", "as_json", is_flag=True)
@friendly
def facts(terms: str | None, as_json: bool) -> None:
    """List the facts a question may state."""
    kb = load_kb(terms)
    if as_json:
        click.echo(json.dumps([f.model_dump(mode="json") for f in kb.facts.values()], indent=2))
        return
    table = Table("fact", "type", "meaning")
    for f in kb.facts.values():
        kind = f"enum: {', '.join(f.values or [])}" if f.values else f.type.value
        table.add_row(f.id, kind, f.meaning)
    console().print(table)


@click.command()
@click.argument("ref")
@terms_option
@click.option("--json", "as_json", is_flag=True)
@click.option("--text", "with_text", is_flag=True, help="Also print the verbatim text.")
@friendly
def show(ref: str, terms: str | None, as_json: bool, with_text: bool) -> None:
    """Show a subject (its governing documents), a document (DOC) or a version (DOC@VERSION)."""
    kb = load_kb(terms)
    if "@" not in ref and "/" not in ref:
        _show_subject(kb, ref, as_json)
    elif "@" not in ref:
        _show_document(kb, ref, as_json)
    else:
        _show_version(kb, ref, as_json, with_text)


def escape_(text: str) -> str:
    """Rich markup escaped, and control characters from records shown escaped."""
    return escape(printable(text))


def _show_subject(kb: KnowledgeBase, ref: str, as_json: bool) -> None:
    subject = kb.subject(ref)
    if as_json:
        data = subject.model_dump(mode="json", by_alias=True, exclude_none=True)
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out = console()
    aliases = f" (also: {', '.join(subject.aliases)})" if subject.aliases else ""
    name = escape_(subject.name)
    out.print(f"[bold]{name}[/] — {subject.id}, a {subject.kind}{escape_(aliases)}")
    for g in subject.governed_by:
        scope = f" if {kb.index.words(g.parsed_when, g.document)}" if g.parsed_when else ""
        out.print(
            printable(f"  {g.document} ({g.role}{scope}) {g.from_} → {g.until or '…'}"),
            markup=False,
        )
        out.print(printable(f"      {g.basis}"), markup=False, style="dim")
        if g.uncertainty:
            out.print(printable(f"      uncertain: {g.uncertainty}"), markup=False, style="magenta")


def _show_document(kb: KnowledgeBase, ref: str, as_json: bool) -> None:
    timeline = kb.timeline(ref)
    document = kb.documents[ref]
    if as_json:
        versions = [
            {
                "version": p.key.split("@", 1)[1],
                "from": p.interval.start.isoformat(),
                "until": p.interval.end.isoformat() if p.interval.end else None,
                "exact": p.start.exact,
            }
            for p in timeline.placed
        ]
        data = {
            "document": document.model_dump(mode="json", exclude_none=True),
            "versions": versions,
            "undated": [k.split("@", 1)[1] for k in timeline.undated],
        }
        click.echo(json.dumps(data, indent=2))
        return
    out = console()
    out.print(f"[bold]{escape_(document.title)}[/] ({escape_(ref)}, {document.kind})")
    for p in timeline.placed:
        mark = "" if p.start.exact else " (approximate start)"
        out.print(printable(f"  {p.key}  {p.interval}{mark}"), markup=False)
    for key in timeline.undated:
        out.print(printable(f"  {key}  (undated)"), markup=False)


def _show_version(kb: KnowledgeBase, ref: str, as_json: bool, with_text: bool) -> None:
    entry = kb.version(ref)
    record = entry.record
    if as_json:
        data = record.model_dump(mode="json", exclude_none=True, by_alias=True)
        if with_text:
            data["text"] = entry.read_text()
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    out = console()
    out.print(f"[bold]{escape_(record.title)}[/] — {escape_(ref)}")
    out.print(printable(f"  effective {record.effective} ({record.effective_basis})"), markup=False)
    if record.published:
        out.print(printable(f"  published {record.published}"), markup=False)
    out.print(
        f"  retrieved {record.retrieved}; coverage {record.coverage}; sha256 {record.sha256[:12]}…",
        markup=False,
    )
    out.print(printable(f"  source {record.source_url}"), markup=False)
    words = kb.index.words
    for pre in record.preconditions:
        scope = ", ".join(pre.actions) if pre.actions else "every action"
        out.print(
            f"  [bold]precondition[/] ({escape_(scope)}): rights are withheld "
            f"unless {escape_(words(pre.parsed_unless, record.document))}"
            + (f" §{escape_(pre.section)}" if pre.section else "")
        )
        provider = kb.index.provider_name(record.document)
        withheld = kb.index.wording.negated(pre.parsed_unless, provider)
        out.print(printable(f"      (no rights if {withheld})"), markup=False)
        out.print(printable(f'      "{pre.quote}"'), markup=False, style="italic")
    for rule in record.rules:
        when = f" if {words(rule.parsed_when, record.document)}" if rule.parsed_when else ""
        style = {"permitted": "green", "prohibited": "red", "conditional": "yellow"}.get(
            rule.verdict.value, "magenta"
        )
        out.print(
            f"  [{style}]{rule.verdict.value:<11}[/] "
            + escape_(f"{rule.action}{when}" + (f" §{rule.section}" if rule.section else ""))
        )
        if rule.condition:
            out.print(printable(f"      on condition: {rule.condition}"), markup=False)
        if rule.quote:
            out.print(printable(f'      "{rule.quote}"'), markup=False, style="italic")
    if with_text:
        out.print(printable(entry.read_text()), markup=False)


@click.command()
@click.argument("document", required=False)
@terms_option
@click.option("--json", "as_json", is_flag=True)
@friendly
def versions(document: str | None, terms: str | None, as_json: bool) -> None:
    """List every archived version (of DOCUMENT if given)."""
    kb = load_kb(terms)
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
        click.echo(printable(f"{r.document}@{r.version}\t{r.effective}\t{r.coverage}\t{r.title}"))


@click.command()
@terms_option
@click.option("--json", "as_json", is_flag=True)
@friendly
def where(terms: str | None, as_json: bool) -> None:
    """Which archive answers: its folder, how it was chosen, its data release and size."""
    from tos_kb import __version__

    kb = load_kb(terms)
    timelines = kb.index.timelines
    versions = sum(len(t.placed) + len(t.undated) for t in timelines.values())
    data = {
        "archive": str(kb.root),
        "origin": kb.origin,
        "release": kb.release.to_dict(),
        "documents": len(timelines),
        "versions": versions,
        "subjects": len(kb.index.subject_ids),
        "package_version": __version__,
    }
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    out = console()
    out.print(f"archive   {kb.root} ({kb.origin})", markup=False)
    out.print(f"release   {kb.release.id}", markup=False)
    out.print(
        f"holds     {data['documents']} documents, {versions} versions, "
        f"{data['subjects']} subjects",
        markup=False,
    )
    out.print(f"package   tos-kb {__version__}", markup=False)
