"""``tos-kb story``: what tightened or loosened for a provider or subject, told in order."""

from __future__ import annotations

import json

import click

from tos_kb.cli.common import friendly, load_kb, terms_option


@click.command()
@click.argument("name")
@click.option("--since", default=None, help="YYYY-MM-DD")
@click.option("--until", default=None, help="YYYY-MM-DD")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@terms_option
@friendly
def story(name: str, since: str | None, until: str | None, fmt: str, terms: str | None) -> None:
    """The story of NAME (a provider such as openai, or a subject): changes with quotes."""
    told = load_kb(terms).story(name, since=since, until=until)
    if fmt == "json":
        click.echo(json.dumps(told.to_dict(), indent=2, ensure_ascii=False))
    elif fmt == "markdown":
        click.echo(told.to_markdown(), nl=False)
    else:
        click.echo(told.to_text(), nl=False)
