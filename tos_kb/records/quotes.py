"""Finding a rule's quote in the archived text, with stated, minimal leeway.

Why: every claim in ``terms/`` must be backed by words that stand in the text.
Hand-copied quotes differ from the source only in ways a reader cannot see,
so exactly two differences are forgiven and nothing else: runs of white
space (hard line breaks, tabs, double spaces, non-breaking spaces) count as
one space, and curly quotes and apostrophes count as straight ones.
"""

from __future__ import annotations

import re

NORMALISATION = (
    "runs of white space (including line breaks and non-breaking spaces) match one space; "
    "curly quotes and apostrophes match straight ones"
)
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
    }
)
_SPACE_RE = re.compile(r"\s+")


def normalise(text: str) -> str:
    """Apply the allowed leeway: straighten quotes, fold white space runs, trim."""
    return _SPACE_RE.sub(" ", text.translate(_QUOTES)).strip()


class NormalisedText:
    """A text in normalised form, with a map back to offsets in the original."""

    __slots__ = ("normal", "offsets", "original")

    def __init__(self, original: str):
        self.original = original
        chars: list[str] = []
        offsets: list[int] = []
        pending_space = False
        for index, char in enumerate(original.translate(_QUOTES)):
            if char.isspace():
                pending_space = bool(chars)
                continue
            if pending_space:
                chars.append(" ")
                offsets.append(index - 1)
                pending_space = False
            chars.append(char)
            offsets.append(index)
        self.normal = "".join(chars)
        self.offsets = offsets

    def find(self, quote: str) -> tuple[int, int] | None:
        """The (start, end) offsets of the quote in the original text, or None."""
        needle = normalise(quote)
        if not needle:
            return None
        at = self.normal.find(needle)
        if at < 0:
            return None
        return self.offsets[at], self.offsets[at + len(needle) - 1] + 1


def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``text`` under the allowed leeway, or None."""
    return NormalisedText(text).find(quote)


def closest_passage(quote: str, text: str, width: int = 80) -> str | None:
    """The passage of ``text`` that best matches the start of a missing quote (a hint)."""
    normal = normalise(text)
    needle = normalise(quote)
    for size in (40, 25, 15):
        probe = needle[:size]
        if len(probe) < 8:
            break
        at = normal.find(probe)
        if at >= 0:
            return normal[at : at + max(width, len(needle))]
    return None
