"""Quotes that point elsewhere: the phrases that mark a cross-reference, in one place.

Why: a rule is only as good as the clause it cites. "Any Outputs shall be
subject to the restrictions set out in Section 3" decides nothing by itself;
the restrictions of Section 3 do. A quote containing one of these phrases
must come with the clause it points to (``see`` of kind ``referenced-clause``),
and one that leaves a term to be defined elsewhere ("Output (as defined
below)") with that definition (``see`` of kind ``definition``). The
validator applies :func:`pointers` to every rule and precondition, and the
tests apply it to the shipped archive.

The patterns name a *place* (a numbered section, clause, paragraph or
attachment, or "set out in" / "defined below"), not a general qualifier:
"subject to your compliance with these Terms" points at the whole agreement,
not at one clause, and is not flagged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A numbered or named place in the same text: "Section 3", "Paragraph 5", "Attachment A".
_PLACE = (
    r"(?:sections?|clauses?|paragraphs?|articles?|attachments?|exhibits?|schedules?|appendix)"
    r"\s+\(?[0-9a-z]"
)


@dataclass(frozen=True)
class Pointer:
    """A phrase by which a quote leaves what decides it to another clause."""

    name: str  # the phrase as a reader would write it
    kind: str  # the see kind that answers it: referenced-clause | definition
    pattern: re.Pattern[str]


POINTERS: tuple[Pointer, ...] = tuple(
    Pointer(name, kind, re.compile(pattern, re.IGNORECASE))
    for name, kind, pattern in (
        ("subject to Section N", "referenced-clause", rf"\bsubject to (?:the terms of )?{_PLACE}"),
        ("as set out in", "referenced-clause", r"\bas set (?:out|forth) in\b"),
        ("set out in Section N", "referenced-clause", rf"\bset (?:out|forth) in {_PLACE}"),
        (
            "the restrictions in",
            "referenced-clause",
            r"\bthe (?:use )?(?:restrictions|limitations|prohibitions|requirements) "
            r"(?:in|of|under|contained in|referenced in) (?:this |the )?" + _PLACE,
        ),
        ("pursuant to Section N", "referenced-clause", rf"\bpursuant to {_PLACE}"),
        ("described in Section N", "referenced-clause", rf"\bdescribed in {_PLACE}"),
        ("in accordance with Section N", "referenced-clause", rf"\bin accordance with {_PLACE}"),
        (
            "referred to in Section N",
            "referenced-clause",
            rf"\breferr?(?:ed|enced) (?:to )?in {_PLACE}",
        ),
        ("see Section N", "referenced-clause", rf"\bsee {_PLACE}"),
        (
            "as defined below",
            "definition",
            rf"\b(?:as )?defined (?:below|above|herein|in {_PLACE})",
        ),
    )
)


# The words every pattern above starts with: a quote without any has no pointer, and one
# search for them spares the ten searches for most quotes (validation checks every quote).
_ANY = re.compile(
    r"\b(?:subject to|set (?:out|forth)|the (?:use )?(?:restrictions|limitations|prohibitions"
    r"|requirements)|pursuant to|described in|in accordance with|referr?(?:ed|enced)|see "
    r"|defined )",
    re.IGNORECASE,
)


def pointers(quote: str) -> list[tuple[Pointer, str]]:
    """The pointers in ``quote``, each with the words that matched, in pattern order."""
    found: list[tuple[Pointer, str]] = []
    if _ANY.search(quote) is None:
        return found
    for pointer in POINTERS:
        match = pointer.pattern.search(quote)
        if match is not None:
            found.append((pointer, match.group(0)))
    return found


def unanswered(quote: str, see_kinds: list[str]) -> list[tuple[Pointer, str]]:
    """The pointers in ``quote`` that no further quote of the needed kind answers."""
    return [(p, words) for p, words in pointers(quote) if p.kind not in see_kinds]
