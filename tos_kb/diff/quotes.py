"""Where each quote of an old version went in the new text: kept, moved, changed or gone.

Why apart from the rule diff: a reviewer checks that the words a rule rested
on still stand (or where they went) independently of what the rules say.

The matching rule, in order:

1. **kept / moved**: the quote stands verbatim (after normalising spaces,
   quotes and case of nothing else) in the new text; "moved" if under
   another clause label.
2. **changed**: otherwise, the window of the new text most like the quote,
   if (a) its character similarity (``difflib`` ratio) is at least
   ``SIMILARITY`` (0.6), (b) it keeps at least ``COVERAGE`` (half) of the
   quote's content words (words of four letters or more, common function
   words aside), and (c) every word of the quote that carries its sense as
   an exception or a negation (``SENSE_WORDS``: not, no, nor, never, only,
   except, excluding, unless, without) still stands in the new sentence. A
   window that looks alike but drops "excluding" or "not" says something
   else: it is not the same clause reworded.
3. **gone**: no window meets all three. A reviewer is told the words left,
   never pointed at an unrelated clause.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tos_kb.records.quotes import NormalisedText, normalise

if TYPE_CHECKING:
    from tos_kb.records.loader import Archive


@dataclass(frozen=True, slots=True)
class QuoteMove:
    """Where a rule's quote went in the new version: kept, moved, changed or gone."""

    action: str
    quote: str
    status: str  # kept | moved | changed | gone
    old_section: str | None
    new_section: str | None = None
    new_passage: str | None = None
    new_offset: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {k: getattr(self, k) for k in self.__slots__ if getattr(self, k) is not None}


def quote_moves(archive: Archive, old: str, new: str) -> list[QuoteMove]:
    """Where each quote of the old version stands in the new text, if anywhere.

    Locations are the texts' own clause labels (``2(c)(iii)``, a heading and
    bullet), so "moved" means the words now stand in another clause.
    """
    from tos_kb.diff.sections import section_at, split_sections

    old_entry, new_entry = archive.entry(old), archive.entry(new)
    old_raw, new_raw = old_entry.read_text(), new_entry.read_text()
    old_text, new_text = NormalisedText(old_raw), NormalisedText(new_raw)
    old_sections, new_sections = split_sections(old_raw), split_sections(new_raw)

    def label(sections: list, offset: int) -> str | None:
        return sections[section_at(sections, offset)].label if sections else None

    moves: list[QuoteMove] = []
    seen: set[str] = set()
    for rule in old_entry.record.rules:
        if not rule.quote or rule.quote_file or normalise(rule.quote) in seen:
            continue
        seen.add(normalise(rule.quote))
        before = old_text.find(rule.quote)
        old_label = label(old_sections, before[0]) if before else None
        span = new_text.find(rule.quote)
        if span is not None:
            new_label = label(new_sections, span[0])
            status = "kept" if new_label == old_label else "moved"
            moves.append(
                QuoteMove(
                    rule.action,
                    rule.quote,
                    status,
                    old_label or rule.section,
                    new_label,
                    None,
                    span[0],
                )
            )
            continue
        found = _fuzzy_find(normalise(rule.quote), new_text)
        if found is not None and not same_sense(rule.quote, new_raw, *found):
            found = None
        if found is None:
            moves.append(QuoteMove(rule.action, rule.quote, "gone", old_label or rule.section))
            continue
        first, last = found
        moves.append(
            QuoteMove(
                rule.action,
                rule.quote,
                "changed",
                old_label or rule.section,
                label(new_sections, first),
                normalise(new_raw[first:last]),
                first,
            )
        )
    return moves


def _fuzzy_find(needle: str, text: NormalisedText) -> tuple[int, int] | None:
    """The clause of ``text`` most like ``needle`` (similarity ``SIMILARITY`` or more)."""
    from difflib import SequenceMatcher

    haystack = text.normal
    best_ratio, best_at = 0.0, -1
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(needle)
    words = set(_WORD_RE.findall(needle.lower()))
    scored = [
        (len(words.intersection(_WORD_RE.findall(haystack[at : at + len(needle)].lower()))), at)
        for at in _candidate_starts(needle, haystack)
    ]
    for _, at in heapq.nlargest(24, scored):  # exact ratio only for the windows sharing most words
        matcher.set_seq1(haystack[at : at + len(needle)])
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best_at = ratio, at
    if best_ratio < SIMILARITY:
        return None
    start, end = _align(needle, haystack, best_at)
    first, last = text.offset(start), text.offset(end - 1) + 1
    line_end = text.original.find("\n", last)
    if 0 <= line_end - last <= len(needle):
        last = line_end  # run on to the end of the clause's line
    return first, last


_WORD_RE = re.compile(r"\w{4,}")
SIMILARITY = 0.6
COVERAGE = 0.5
SENSE_WORDS = frozenset(
    {"not", "no", "nor", "never", "only", "except", "excluding", "unless", "without"}
)
_FUNCTION_WORDS = frozenset(
    {
        "this",
        "that",
        "with",
        "from",
        "your",
        "have",
        "will",
        "shall",
        "such",
        "other",
        "which",
        "their",
        "than",
        "there",
        "these",
        "those",
        "into",
        "upon",
        "under",
        "what",
        "when",
        "where",
        "been",
        "being",
        "them",
        "they",
        "were",
        "also",
        "must",
        "make",
        "made",
        "more",
        "most",
        "same",
        "each",
    }
)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def same_sense(quote: str, text: str, first: int, last: int) -> bool:
    """Whether ``text[first:last]`` can be ``quote`` reworded (rules 2(b) and 2(c) above)."""
    passage = text[first:last]
    content = {w for w in _words(quote) if len(w) >= 4 and w not in _FUNCTION_WORDS}
    kept = content.intersection(_words(passage))
    if content and len(kept) < COVERAGE * len(content):
        return False
    return SENSE_WORDS.intersection(_words(quote)) <= set(_words(_sentence(text, first, last)))


_ITEM_RE = re.compile(r"\s*(?:\(?[a-z0-9]{1,4}[.)]|[-*•])\s")


def _sentence(text: str, first: int, last: int) -> str:
    """The sentence a passage stands in; for a list item, with the lead-in that ends in ':'.

    A negation just before the passage ("You may not: (e) use the Output ...")
    belongs to its sense.
    """
    start = max(text.rfind(mark, 0, first) for mark in (". ", "\n", "; ")) + 1
    line_start = text.rfind("\n", 0, first) + 1
    if _ITEM_RE.match(text, line_start):
        lead = text.rfind(":", 0, line_start)
        if lead >= 0:
            start = min(start, max(text.rfind(mark, 0, lead) for mark in (". ", "\n")) + 1)
    return text[start:last]


def _candidate_starts(needle: str, haystack: str) -> list[int]:
    """Window starts worth scoring: around places where the needle's longer words occur."""
    lower = haystack.lower()
    step = max(1, len(needle) // 4)
    starts: set[int] = set()
    for word in set(re.findall(r"\w{5,}", needle.lower())):
        at = lower.find(word)
        while at >= 0:
            offset = needle.lower().find(word)
            base = max(0, at - offset)
            starts.update(max(0, base + k * step) for k in (-2, -1, 0, 1, 2))
            at = lower.find(word, at + 1)
    return sorted(starts) or list(range(0, max(1, len(haystack) - len(needle) + 1), step))


def _align(needle: str, haystack: str, near: int) -> tuple[int, int]:
    """Trim a fuzzy match to the span from its first to its last matching run of words."""
    from difflib import SequenceMatcher

    lo = max(0, near - len(needle) // 2)
    window = haystack[lo : near + len(needle) + len(needle) // 2]
    blocks = [
        b
        for b in SequenceMatcher(None, needle, window, autojunk=False).get_matching_blocks()
        if b.size >= 4
    ]
    if not blocks:
        return near, near + len(needle)
    start = lo + blocks[0].b
    end = lo + blocks[-1].b + blocks[-1].size
    while start > 0 and haystack[start - 1].isalnum():
        start -= 1
    # Snap to the clause: start after a sentence or bullet break near the front,
    # and run on to the end of the sentence when it is close.
    head = haystack[start : start + (end - start) // 2]
    cut = max(head.rfind(mark) for mark in (". ", "* ", "; ", "• "))
    if cut >= 0:
        start += cut + 2
    tail = haystack[end : end + len(needle)]
    stop = tail.find(". ")
    if stop >= 0:
        end += stop + 1
    while end < len(haystack) and haystack[end].isalnum():
        end += 1
    return start, end
