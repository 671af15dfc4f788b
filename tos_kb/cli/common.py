"""What every command shares: options, loading, fact parsing, errors and the console.

Why one module: each command module imports from here and nothing imports
back, so the command line has no import cycle and one wording for each error.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import click

from tos_kb.errors import TosKbError
from tos_kb.kb import KnowledgeBase
from tos_kb.loading import load
from tos_kb.records.facts import FactValueError, parse_text, shown
from tos_kb.records.problems import KnowledgeBaseError
from tos_kb.records.vocab import Verdict

if TYPE_CHECKING:
    from rich.console import Console

F = TypeVar("F", bound=Callable[..., Any])
VERDICT_STYLE = {
    Verdict.PERMITTED: "bold green",
    Verdict.PROHIBITED: "bold red",
    Verdict.CONDITIONAL: "bold yellow",
    Verdict.UNKNOWN: "bold magenta",
}


def console() -> Console:
    """The terminal writer (rich is imported only by commands that print through it)."""
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def styled() -> bool:
    """Whether output goes to a terminal that shows colour (else plain text, no rich).

    Without rich importable (a Python where tos-kb's dependencies were not all
    installed) the answer is plain text too, rather than a failure.
    """
    if not sys.stdout.isatty() or os.environ.get("NO_COLOR"):
        return False
    from importlib.util import find_spec

    return find_spec("rich") is not None


def say(text: str, style: str | None = None) -> None:
    """One line for a person: in ``style`` on a colour terminal, plain text otherwise.

    ``text`` is taken literally (no rich markup), so a record's words print as written.
    """
    if not styled():
        click.echo(printable(text))
        return
    from rich.markup import escape

    console().print(escape(printable(text)), style=style)


# C0 and C1 control characters but newline and tab, DEL, and the bidirectional
# overrides and isolates that reorder what a terminal shows ("Trojan source").
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` safe for a terminal: control characters from records shown escaped
    (``\\x1b``), so a record cannot move the cursor, recolour or retitle the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def one_line(text: str) -> str:
    """An error message as one printable line."""
    return printable(" ".join(text.split("\n")))


def fail(message: str, status: int = 2) -> NoReturn:
    """Say ``message`` as one line on stderr and exit (2: a wrong argument)."""
    click.echo(f"Error: {one_line(message)}", err=True)
    sys.exit(status)


def friendly(func: F) -> F:
    """Turn the errors a user can cause into one clear line: exit status 1 for problems in
    the archive (listed, one per line), 2 for a wrong argument."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KnowledgeBaseError as exc:
            click.echo(printable(str(exc)), err=True)
            click.echo("Run 'tos-kb validate' for details.", err=True)
            sys.exit(1)
        except (TosKbError, ValueError) as exc:  # ValueError: errors of earlier releases
            fail(str(exc))

    return wrapper  # type: ignore[return-value]


def load_kb(terms: str | None, rev: str | None = None) -> KnowledgeBase:
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


def parse_fact(kb: KnowledgeBase, text: str) -> tuple[str, Any]:
    """``name=value`` typed by the fact vocabulary (true/false, numbers with _ or ,)."""
    if "=" not in text:
        raise FactValueError(f"--fact: expected name=value, found {shown(text)}")
    name, raw = (part.strip() for part in text.split("=", 1))
    spec = kb.index.fact_specs.get(name)
    if spec is None:
        kb.index.check_facts({name: None})  # raises the "unknown fact" error with its hint
        raise AssertionError("unreachable")  # pragma: no cover
    return name, parse_text(name, spec, raw)


def parse_facts(kb: KnowledgeBase, texts: tuple[str, ...]) -> dict[str, Any]:
    """Every ``--fact`` of a command, typed."""
    return dict(parse_fact(kb, text) for text in texts)
