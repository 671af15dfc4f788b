"""Which archive ``load()`` reads when no path is given.

Why an order: a pipeline that depends on the package must get the data
release it pinned, a developer in a clone must get the ``terms/`` they are
editing, and anyone may point at a private fork. In order:

1. an explicit path (``load(path)``, ``--terms``);
2. ``$TOS_KB_TERMS``;
3. the clone's ``terms/`` when the package runs from a checkout;
4. the archive built into the installed package (``tos_kb/_archive/``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from tos_kb.errors import TosKbError

PACKAGE = Path(__file__).resolve().parent.parent
PACKAGED = PACKAGE / "_archive"  # written by the build (see setup.py), never committed


@dataclass(frozen=True)
class Located:
    """An archive folder and how it was chosen."""

    root: Path
    origin: str  # explicit | environment | checkout | package

    @property
    def packaged(self) -> bool:
        """Whether this is the archive built into the installed package."""
        return self.origin == "package"


class NoArchiveError(FileNotFoundError, TosKbError):
    """No archive could be found: not in a checkout, not packaged, nothing named."""


def checkout_terms() -> Path | None:
    """The clone's ``terms/`` when this package runs from a checkout, else None."""
    root = PACKAGE.parent
    if (root / "pyproject.toml").is_file() and (root / "terms" / "vocabulary").is_dir():
        return root / "terms"
    return None


def locate(path: str | Path | None = None) -> Located:
    """The archive to read, by the order in this module's docstring."""
    if path is not None:
        return Located(Path(path), "explicit")
    env = os.environ.get("TOS_KB_TERMS")
    if env:
        return Located(Path(env), "environment")
    found = checkout_terms()
    if found is not None:
        return Located(found, "checkout")
    if (PACKAGED / "terms").is_dir():
        return Located(PACKAGED / "terms", "package")
    raise NoArchiveError(
        "no archive found: this installation has no built-in archive and runs outside a "
        "checkout; pass a path to load(), use --terms, or set TOS_KB_TERMS"
    )
