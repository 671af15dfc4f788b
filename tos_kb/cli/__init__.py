"""The ``tos-kb`` command line: the Python API for people and shell scripts.

Why click + rich: readable coloured output for people, ``--json`` for
scripts, and errors as one clear sentence with exit status 2 (usage) or 1
(problems found), never a traceback. One module per command group:
``ask`` (questions), ``browse`` (the archive), ``diffs`` (diff, changes),
``records`` (validate, new, schema, coverage, review); ``common`` holds what
they share.
"""

from __future__ import annotations

import click

from tos_kb.cli import ask, browse, diffs, records


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tos-kb")
def main() -> None:
    """What AI providers' terms and model licences allowed, on which day."""


for _command in (
    ask.ask,
    ask.history,
    browse.subjects,
    browse.actions,
    browse.facts,
    browse.show,
    browse.versions,
    browse.where,
    records.validate,
    records.new,
    records.schema,
    records.coverage,
    records.review,
    diffs.diff,
    diffs.changes,
):
    main.add_command(_command)
