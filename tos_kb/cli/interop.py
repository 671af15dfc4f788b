"""Open Terms Archive: ``import-ota`` (bring a recorded version in) and ``watch`` (what changed).

Bad input (not a git repository, not an OTA versions repository, a document
or commit the mapping or the repository does not know) is one line and exit
status 2; a version that is already archived, or a folder that exists, is
one line and exit status 1, with nothing written.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from tos_kb.loading import default_terms_path


def _day(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, found {value!r}") from None


def _fail(message: str, status: int) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(status)


@click.command("import-ota")
@click.argument("repo", type=click.Path())
@click.option("--document", required=True, metavar="PROVIDER/DOCUMENT", help="The document.")
@click.option("--since", callback=_day, metavar="DATE", help="List versions observed from DATE.")
@click.option("--pick", metavar="COMMIT", help="Scaffold the version recorded by this commit.")
@click.option("--latest", is_flag=True, help="Scaffold the latest real change.")
@click.option(
    "--version",
    "version_id",
    metavar="ID",
    help="Name the version folder (default: the text's dateline, else the observation date).",
)
@click.option("--terms", type=click.Path(file_okay=False), default=None)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def import_ota(
    repo: str,
    document: str,
    since: date | None,
    pick: str | None,
    latest: bool,
    version_id: str | None,
    terms: str | None,
    fmt: str,
) -> None:
    """List the versions an Open Terms Archive clone REPO recorded of a document, or import one.

    Without --pick or --latest nothing is written. Technical upgrades are
    listed but never offered as new versions.
    """
    from tos_kb.interop import ota_import
    from tos_kb.interop.ota_mapping import load_mapped_archive
    from tos_kb.interop.ota_repo import OtaError, OtaRepo

    if pick and latest:
        raise click.UsageError("give --pick COMMIT or --latest, not both")
    root = Path(terms) if terms else default_terms_path()
    try:
        ota = OtaRepo(repo)
        archive, mapping = load_mapped_archive(root)
        listed = ota_import.list_versions(ota, archive, mapping, document, since)
        if not (pick or latest):
            _print_listing(listed, fmt)
            return
        chosen = ota_import.pick(listed, pick, latest)
        ref, created = ota_import.import_version(
            ota, archive, mapping, document, chosen, version_id
        )
    except ota_import.AlreadyArchived as exc:
        _fail(str(exc), 1)
        return
    except OtaError as exc:
        _fail(str(exc), 2)
        return
    if fmt == "json":
        click.echo(json.dumps({"imported": ref, "created": [str(p) for p in created]}, indent=2))
        return
    click.echo(f"imported {ref} from {chosen.version.path} at {chosen.version.short}")
    for path in created:
        click.echo(f"created {path}")
    click.echo("next: fill in the rules and the TODOs, then run: tos-kb validate")


def _print_listing(listed: list, fmt: str) -> None:  # type: ignore[type-arg]
    from tos_kb.interop.ota_repo import UPGRADE

    if fmt == "json":
        rows = [
            {
                "observed": item.version.observed.isoformat(),
                "commit": item.version.commit,
                "path": item.version.path,
                "kind": item.version.kind,
                "offered": item.version.real and not item.in_archive,
                "archived": (
                    {"version": item.archived.key, "how": item.archived.how}
                    if item.archived
                    else None
                ),
                "dateline": item.dateline.words if item.dateline else None,
                "dateline_day": (
                    item.dateline.day.isoformat() if item.dateline and item.dateline.day else None
                ),
            }
            for item in listed
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for item in listed:
        v = item.version
        kind = {
            UPGRADE: "technical upgrade (not a new version)",
            "first-record": "first record",
            "change": "real change",
        }[v.kind]
        notes = [item.archived.describe()] if item.archived else []
        if item.dateline:
            notes.append(f'dateline "{item.dateline.words}"')
        click.echo(f"{v.observed}  {v.short}  {kind:<37} {v.path}  " + "; ".join(notes))
    offered = sum(1 for item in listed if item.version.real and not item.in_archive)
    click.echo(
        f"{len(listed)} version(s) listed, {offered} not archived; import one with "
        "--pick COMMIT or --latest"
    )


@click.command()
@click.argument("repos", nargs=-1, required=True, type=click.Path())
@click.option("--since", callback=_day, metavar="DATE", help="Only changes observed from DATE.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
)
@click.option("--terms", type=click.Path(file_okay=False), default=None)
def watch(repos: tuple[str, ...], since: date | None, fmt: str, terms: str | None) -> None:
    """Report mapped documents that Open Terms Archive clones REPOS saw change.

    Exit status 1 when a change is pending (neither archived nor reviewed),
    0 when nothing is, 2 on bad input.
    """
    from tos_kb.interop.ota_repo import OtaError, OtaRepo
    from tos_kb.interop.watch import to_json, to_markdown, to_text
    from tos_kb.interop.watch import watch as run

    root = Path(terms) if terms else default_terms_path()
    try:
        report = run([OtaRepo(r) for r in repos], root, since)
    except OtaError as exc:
        _fail(str(exc), 2)
        return
    render = {"text": to_text, "markdown": to_markdown, "json": to_json}[fmt]
    click.echo(render(report))
    sys.exit(1 if report.changed else 0)
