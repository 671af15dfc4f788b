"""The ``tos-kb`` command line: the Python API for people and shell scripts.

Why click + rich: readable coloured output for people, ``--json`` for
scripts, and errors as one clear sentence with exit status 2 (usage) or 1
(problems found), never a traceback. One module per command group:
``ask`` (questions), ``browse`` (the archive), ``diffs`` (diff, changes),
``story`` (the story of a provider), ``records`` (validate, new, schema,
coverage, review), ``lineage``
(check-pipeline), ``interop`` (import-ota, watch: Open Terms Archive);
``common`` holds what
they share. A command's module is imported only when that command runs, so
``tos-kb ask`` starts without the record models, the validator or the diffs.
"""

from __future__ import annotations

import importlib
import sys

import click

# command name -> (module under tos_kb.cli, function), in the order --help lists them
COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("ask", "ask"),
    "history": ("ask", "history"),
    "subjects": ("browse", "subjects"),
    "actions": ("browse", "actions"),
    "facts": ("browse", "facts"),
    "show": ("browse", "show"),
    "versions": ("browse", "versions"),
    "where": ("browse", "where"),
    "validate": ("records", "validate"),
    "new": ("records", "new"),
    "schema": ("records", "schema"),
    "coverage": ("records", "coverage"),
    "review": ("records", "review"),
    "diff": ("diffs", "diff"),
    "changes": ("diffs", "changes"),
    "story": ("story", "story"),
    "check-pipeline": ("lineage", "check_pipeline"),
    "import-ota": ("interop", "import_ota"),
    "watch": ("interop", "watch"),
}


class MissingPackage(click.ClickException):
    """A dependency that cannot be imported: an installation problem, said in one line."""

    exit_code = 2


class LazyGroup(click.Group):
    """A group whose commands are imported when used (``--help`` imports them all)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *super().list_commands(ctx)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS:
            module, name = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(f"tos_kb.cli.{module}"), name)
            assert isinstance(command, click.Command)
            return command
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a package tos-kb needs but cannot import is one line, exit 2."""
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError as exc:
            package = (exc.name or "").split(".")[0]
            if not package or package == "tos_kb":
                raise  # our own module missing is a bug, not an installation problem
            raise MissingPackage(
                f"the package '{package}' that tos-kb needs is not installed for "
                f"{sys.executable}: install tos-kb with its dependencies "
                "(pip install tos-kb, or pip install -e . in a checkout)"
            ) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="tos-kb")
def main() -> None:
    """What AI providers' terms and model licences allowed, on which day."""
