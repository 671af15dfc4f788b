"""Working on the records: ``validate``, ``new``, ``schema``, ``coverage`` and ``review``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from tos_kb.cli.common import fail, friendly, load_kb, say, terms_option
from tos_kb.loading import default_terms_path
from tos_kb.records.pool import validate_archive
from tos_kb.records.scope import concerning, validate_files


@click.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--terms",
    "terms",
    type=click.Path(file_okay=False),
    default=None,
    help="The archive folder, for symmetry with the other commands.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--quick", is_flag=True, help="Skip the checks that read the texts (hashes, quotes).")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for a full validation (default: one per core, one for a small archive).",
)
def validate(
    paths: tuple[str, ...], terms: str | None, fmt: str, quick: bool, jobs: int | None
) -> None:
    """Check the archive (default: the shipped terms/); exit 1 on any problem.

    PATHS may be the archive folder, or files inside it (as pre-commit passes
    them): only the problems in those files and their version folders are
    reported, and only what they can depend on is read (their documents, the
    vocabulary, the subjects and documents they name); a file of the vocabulary
    or the OTA mapping concerns everything, so the whole archive is checked.
    """
    files = [Path(p) for p in paths if Path(p).is_file()]
    folders = [Path(p) for p in paths if not Path(p).is_file()]
    if len(folders) > 1 or (folders and files):
        raise click.UsageError("give one archive folder, or files inside one archive")
    root = (
        _archive_root(files)
        if files
        else Path(folders[0] if folders else terms or default_terms_path())
    )
    archive = validate_files(root, files, texts=not quick) if files else None
    if archive is not None:
        found, versions = archive.problems, sum(len(v) for v in archive.versions.values())
    else:
        done = validate_archive(root, texts=not quick, jobs=jobs)
        archive, found, versions = done.archive, done.problems, done.versions
        if files:
            found = concerning(found, files, root)
    problems = sorted(found, key=lambda p: (p.file, p.line or 0, p.column or 0))
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
        for problem in problems:
            say(problem.render())
        summary = (
            f"{len(archive.documents)} documents, {versions} versions, "
            f"{len(archive.subjects)} subjects"
        )
        if files:
            summary = f"{len(files)} file(s) checked, reading {summary}"
        if problems:
            say(f"{len(problems)} problem(s) in {summary}.", style="bold red")
        else:
            say(f"OK: {summary}, no problems.", style="bold green")
    sys.exit(1 if problems else 0)


def _archive_root(files: list[Path]) -> Path:
    """The archive folder holding every file (the nearest parent with vocabulary/)."""
    roots = set()
    for file in files:
        found = next((p for p in file.resolve().parents if (p / "vocabulary").is_dir()), None)
        if found is None:
            raise click.UsageError(f"{file} is not inside an archive (no vocabulary/ above it)")
        roots.add(found)
    if len(roots) > 1:
        raise click.UsageError("the files belong to different archives")
    return roots.pop()


@click.command()
@click.option("--out", type=click.Path(file_okay=False), default="schema", show_default=True)
@click.option(
    "--contributing",
    type=click.Path(dir_okay=False),
    default="CONTRIBUTING.md",
    show_default=True,
    help="Also refresh the field reference in this file (skipped when it does not exist).",
)
def schema(out: str, contributing: str) -> None:
    """Regenerate the JSON Schemas and the contributor field reference from the record models."""
    from tos_kb.records.reference import refresh
    from tos_kb.records.schema import write_all
    from tos_kb.schemas import SCHEMAS

    for path in write_all(Path(out), SCHEMAS):
        click.echo(f"wrote {path}")
    guide = Path(contributing)
    if guide.is_file():
        try:
            changed = refresh(guide)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"{'updated' if changed else 'unchanged'}: {guide} (field reference)")


@click.command()
@terms_option
@click.option("--write", is_flag=True, help="Refresh the table in terms/README.md.")
@friendly
def coverage(terms: str | None, write: bool) -> None:
    """The documents and versions the archive covers, as a Markdown table."""
    from tos_kb.contribute.coverage_tables import markdown, refresh

    kb = load_kb(terms)
    if write:
        readme = kb.root / "README.md"
        changed = refresh(readme, kb)
        click.echo(f"{'updated' if changed else 'unchanged'}: {readme}")
        return
    click.echo(markdown(kb))


@click.command()
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
@click.option(
    "--comment",
    is_flag=True,
    help="Start the report with the marker a pull-request workflow uses to update one comment.",
)
@terms_option
def review(base: str, out: str | None, comment: bool, terms: str | None) -> None:
    """Report what a change to terms/ does: problems in the changed files, answers moved."""
    from tos_kb.contribute.review import COMMENT_MARKER, build, to_markdown

    try:
        report = build(Path(terms) if terms else default_terms_path(), base)
    except ValueError as exc:
        fail(str(exc))
    text = (COMMENT_MARKER + "\n" if comment else "") + to_markdown(report)
    click.echo(text)
    if out:
        Path(out).write_text(text, encoding="utf-8")
    sys.exit(0 if report.ok else 1)


@click.command()
@click.argument("ref")
@click.option(
    "--text",
    "text_path",
    type=click.Path(exists=True, dir_okay=False),
    required=True,
    help="The verbatim text of the version.",
)
@click.option("--terms", type=click.Path(file_okay=False), default=None)
def new(ref: str, text_path: str, terms: str | None) -> None:
    """Scaffold REF (provider/document@YYYY-MM-DD) from a verbatim text file."""
    from tos_kb.contribute.scaffold import ScaffoldError, scaffold

    root = Path(terms) if terms else default_terms_path()
    try:
        created = scaffold(ref, Path(text_path), root)
    except ScaffoldError as exc:
        fail(str(exc), 1 if "already exists" in str(exc) else 2)
    click.echo(f"created {created[0]} and {created[1]}")
    for path in created[2:]:
        kind = "provider" if path.name == "provider.yaml" else "document"
        click.echo(f"created {path} (first version of a new {kind})")
    click.echo("next: fill in the TODOs, then run: tos-kb validate")
