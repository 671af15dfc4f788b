"""Problems found in ``terms/``, written for the lawyer who has to fix them.

Why: a contributor needs every problem at once, each with the file, line and
field, what was found, what is allowed and, where we can tell, a suggestion.
Never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from tos_kb.errors import TosKbError


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in the knowledge base, located as precisely as known."""

    file: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None
    found: str | None = None
    allowed: str | None = None
    hint: str | None = None
    code: str = "invalid"

    def location(self) -> str:
        """``file:line:column`` with the parts that are known."""
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def render(self) -> str:
        """The problem as a few plain lines of text."""
        head = f"{self.location()}: {self.message}"
        if self.field:
            head += f" [{self.field}]"
        lines = [head]
        if self.found is not None:
            lines.append(f"    found:   {self.found}")
        if self.allowed is not None:
            lines.append(f"    allowed: {self.allowed}")
        if self.hint is not None:
            lines.append(f"    hint:    {self.hint}")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        """The problem as JSON-ready data."""
        return {k: v for k, v in asdict(self).items() if v is not None}


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """A 'did you mean' suggestion for a misspelt id, or None."""
    import difflib  # here: only a broken record needs it, and every load imports this module

    matches = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f"did you mean '{matches[0]}'?" if matches else None


def relative(path: Path, root: Path) -> str:
    """A path as shown in messages: relative to the knowledge base's parent when possible."""
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


class KnowledgeBaseError(TosKbError):
    """Raised by ``load()`` when the knowledge base has problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(p.render() for p in problems[:20])
        more = f"\n... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"{len(problems)} problem(s) in the knowledge base:\n{shown}{more}")
