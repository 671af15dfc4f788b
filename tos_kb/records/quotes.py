"""Finding a rule's quote in the archived text, with stated, minimal leeway.

Why: every claim in ``terms/`` must be backed by words that stand in the text.
Hand-copied quotes differ from the source only in ways a reader cannot see,
so exactly two differences are forgiven and nothing else: runs of white
space (hard line breaks, tabs, double spaces, non-breaking spaces) count as
one space, and curly quotes and apostrophes count as straight ones.
"""

from __future__ import annotations

import re
from bisect import bisect_right

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
_CURLY = {
    chr(code): (straight if isinstance(straight, str) else chr(straight))
    for code, straight in _QUOTES.items()
}
_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\S+")


def straighten(text: str) -> str:
    """Curly quotes and apostrophes made straight (``replace`` is far faster than ``translate``)."""
    for curly, straight in _CURLY.items():
        if curly in text:
            text = text.replace(curly, straight)
    return text


def normalise(text: str) -> str:
    """Apply the allowed leeway: straighten quotes, fold white space runs, trim."""
    return _SPACE_RE.sub(" ", straighten(text)).strip()


class NormalisedText:
    """A text in normalised form, with a map back to offsets in the original.

    The normal form is built by ``str.split`` and the map only when a quote is
    found, word by word: validating the archive builds one for every text.
    """

    __slots__ = ("_normal_starts", "_starts", "normal", "original")

    def __init__(self, original: str):
        self.original = original
        self.normal = " ".join(straighten(original).split())
        self._starts: list[int] | None = None  # where each word starts in the original
        self._normal_starts: list[int] = []  # and in the normal form

    def offset(self, at: int) -> int:
        """The offset in the original of the normal form's character ``at``.

        A space stands for the white space before the next word: its offset is
        that run's last character.
        """
        if self._starts is None:
            self._starts = [m.start() for m in _WORD_RE.finditer(self.original)]
            self._normal_starts = [m.start() for m in _WORD_RE.finditer(self.normal)]
        word = bisect_right(self._normal_starts, at) - 1
        if self.normal[at] == " ":
            return self._starts[word + 1] - 1
        return self._starts[word] + at - self._normal_starts[word]

    def contains(self, quote: str) -> bool:
        """Whether the quote stands in the text: :meth:`find` without the map to offsets.

        Validation asks only this, for every quote of every version; the map costs
        more than the search on a long text.
        """
        needle = normalise(quote)
        return bool(needle) and needle in self.normal

    def find(self, quote: str) -> tuple[int, int] | None:
        """The (start, end) offsets of the quote in the original text, or None."""
        needle = normalise(quote)
        if not needle:
            return None
        at = self.normal.find(needle)
        if at < 0:
            return None
        return self.offset(at), self.offset(at + len(needle) - 1) + 1


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
