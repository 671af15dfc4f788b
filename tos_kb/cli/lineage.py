"""``tos-kb check-pipeline``: a pipeline's lineage against the terms of each step's date."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from tos_kb.cli.common import friendly, load_kb, rev_option, terms_option
from tos_kb.lineage.render import FORMATS


@click.command("check-pipeline")
@click.argument("manifest", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--assessed-on",
    default=None,
    metavar="YYYY-MM-DD",
    help="Compare each step with the terms in force on this day (default: the manifest's, "
    "else today).",
)
@terms_option
@rev_option
@friendly
def check_pipeline(
    manifest: Path, fmt: str, assessed_on: str | None, terms: str | None, rev: str | None
) -> None:
    """Judge the pipeline in MANIFEST: each step on its own date, the most restrictive wins.

    Exit status 0 with a report (whatever its verdict), 1 when the manifest has problems.
    """
    from tos_kb.lineage import ManifestError, check_pipeline

    day = date.fromisoformat(assessed_on) if assessed_on else None
    try:
        if rev is not None:
            repo = Path(terms).parent if terms else None
            report = check_pipeline(manifest, rev=rev, repo=repo, assessed_on=day)
        else:
            report = check_pipeline(manifest, load_kb(terms), assessed_on=day)
    except ManifestError as exc:
        click.echo("\n".join(p.render() for p in exc.problems), err=True)
        click.echo(f"{len(exc.problems)} problem(s) in {manifest}", err=True)
        sys.exit(1)
    click.echo(report.render(fmt), nl=False)
