"""Open Terms Archive Markdown as text: comparing it with archived texts, reading its dateline.

Why: OTA stores each version as Markdown extracted from the provider's page;
our archive keeps texts byte for byte as obtained, often as an excerpt of a
combined capture, sometimes from another copy of the page. Two copies of the
same words differ in link targets, emphasis marks, non-breaking and
zero-width spaces, curly quotes and line breaks, so texts are compared after
removing exactly those (:func:`normalise_markdown`). The effective date is
read only from the text's own dateline, and the basis says which words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from tos_kb.records.quotes import normalise

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_UNDERLINE = re.compile(r"^\s*(?:=+|-+|\*\s*\*\s*\*[\s*]*)\s*$", re.M)
_MARKS = re.compile(r"[*_`#>]|\\(?=[^\w\s])")
_ELLIPSIS_LINE = re.compile(r"^\s*…\s*$", re.M)


def normalise_markdown(text: str) -> str:
    """The words of a Markdown text: no link targets, emphasis, heading rules or odd spaces.

    Then the quote checker's own leeway (white space runs, curly quotes).
    """
    text = _ZERO_WIDTH.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _UNDERLINE.sub(" ", text)
    text = _ELLIPSIS_LINE.sub(" ", text)
    text = _MARKS.sub("", text)
    return normalise(text)


def plain_lines(text: str) -> str:
    """The text line by line without link targets and invisible characters, for diffing words.

    Unlike :func:`normalise_markdown` it keeps the lines and emphasis, which
    the clause splitter reads to find headings and numbered clauses.
    """
    text = _LINK.sub(r"\1", _ZERO_WIDTH.sub("", text)).replace("\u00a0", " ")
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def same_text(archived: str, recorded: str) -> bool:
    """Whether an OTA version holds exactly the archived words."""
    return normalise_markdown(archived) == normalise_markdown(recorded)


def holds_excerpt(archived: str, recorded: str) -> bool:
    """Whether an OTA version contains the archived words (an excerpt of it)."""
    needle = normalise_markdown(archived)
    return bool(needle) and needle in normalise_markdown(recorded)


# --- datelines ------------------------------------------------------------------

_KINDS = ("effective", "last updated", "updated", "last modified", "last revised")
_KIND_ALIASES = {"last update": "last updated"}
"""Spellings of the same kind of dateline ("Last Update: March 3, 2025")."""
_MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
_DATELINE = re.compile(
    r"^(?P<kind>(?i:effective(?:\s+date)?|last\s+update[d]?|updated|last\s+modified|last\s+revised))"
    r"(?![a-z])\s*:?\s*(?P<value>[^()\[\]]{0,40})"
)
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_ORDINAL = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_DATE_FORMS = (
    re.compile(rf"^{_MONTH}\s+{_ORDINAL},?\s+(?P<year>\d{{4}})"),
    re.compile(rf"^{_ORDINAL}\s+{_MONTH},?\s+(?P<year>\d{{4}})"),
    re.compile(r"^(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"),
)
_MONTH_NUMBERS = {name[:3]: i + 1 for i, name in enumerate(_MONTHS.split("|"))}
HEAD = 3000
"""A dateline stands at the top: only the first characters are searched, so a
date quoted deeper in the text (a clause's own "Effective Date") is not taken."""


@dataclass(frozen=True)
class Dateline:
    """What the text says of its own date: the words, their kind, and the day if readable."""

    kind: str
    words: str
    day: date | None

    @property
    def basis(self) -> str:
        """The effective_basis sentence for a record."""
        if self.kind == "effective":
            return f'stated in the text: "{self.words}"'
        return (
            f'the text\'s dateline reads "{self.words}" (a {self.kind} date; no effective date '
            "is stated, so it is taken as the effective date)"
        )


def find_dateline(text: str) -> Dateline | None:
    """The text's dateline: an effective date first, else an update or modification date.

    Returns a :class:`Dateline` whose ``day`` is None when the words follow
    the dateline's keyword but are not a date this module can read, and None
    when the top of the text has no dateline at all.
    """
    found: list[Dateline] = []
    for line in text[:HEAD].splitlines():
        plain = normalise(_MARKS.sub(" ", _LINK.sub(r"\1", _ZERO_WIDTH.sub("", line))))
        match = _DATELINE.match(plain)
        if match is None or not match.group("kind")[0].isupper():  # a dateline, not a sentence
            continue
        kind = " ".join(match.group("kind").lower().split()).replace(" date", "")
        kind = _KIND_ALIASES.get(kind, kind)
        day, value = _read_day(match.group("value").strip())
        words = plain[: match.start("value")] + value
        found.append(Dateline(kind, words.strip(), day))
    if not found:
        return None
    for kind in _KINDS:
        readable = [d for d in found if d.kind == kind and d.day is not None]
        if readable:
            return readable[0]
    return found[0]


def _read_day(value: str) -> tuple[date | None, str]:
    """The day a dateline's value names, and the words that name it (else None, the value)."""
    for pattern in _DATE_FORMS:
        match = pattern.match(value)
        if match is None:
            continue
        month = match.group("month")
        number = int(month) if month.isdigit() else _MONTH_NUMBERS.get(month[:3].lower())
        if number is None or (not month.isdigit() and not _is_month(month)):
            continue
        try:
            return date(int(match.group("year")), number, int(match.group("day"))), match.group(0)
        except ValueError:
            continue
    return None, value


def _is_month(word: str) -> bool:
    """A full month name or its first three letters (Aug, Sept. is not guessed)."""
    word = word.lower()
    return any(name == word or name[:3] == word for name in _MONTHS.split("|"))


def first_heading(text: str) -> str | None:
    """The first Markdown heading (``# Title`` or a line over ``===``), as the title."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("#"):
            return _MARKS.sub("", _LINK.sub(r"\1", stripped)).strip() or None
        if i + 1 < len(lines) and re.fullmatch(r"=+", lines[i + 1].strip()) and stripped:
            return normalise(_MARKS.sub("", _LINK.sub(r"\1", stripped))) or None
    return None
