"""Clause and section detection in legal texts, for labelling and aligning diffs.

Why: a reviewer asks "what changed in clause 2(c)(iii)?", not "what changed at
offset 5123". Terms and licences number their clauses in many styles (``1.``,
``(a)``, ``2.1``, ``Section 1.b.v``, inline ``(i) ... (ii) ...``), or use
markdown headings, run-in bold headings and bullets instead. This module turns
a text into paragraphs and gives each paragraph (and each inline enumerated
item) a section path label such as ``2(c)(iii)`` or ``Using Our Services ›
What You Cannot Do › bullet 7``, plus a normalised key for aligning the same
clause across two versions.

Everything here is pure, regex-based and deterministic: no timing, no hashing
of strings whose order could leak into the result.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

__all__ = [
    "SECTION_KINDS",
    "Section",
    "section_at",
    "split_paragraphs",
    "split_sections",
]

SECTION_KINDS = ("title", "heading", "clause", "bullet", "paragraph", "inline")
"""Kinds of :class:`Section`: the document title, a heading, a numbered or
run-in-titled clause, a bullet, a plain paragraph continuing the section above
it, and an item of an inline enumeration (``(i) ...; (ii) ...``)."""

SEP = " › "
"""Separator between the parts of a label that are not one numbering run."""

# Lines shorter than this (stripped) are never treated as hard-wrapped.
_WRAP_MIN = 40
_TITLE_MAX = 80

_BULLET_RE = re.compile(r"[*+\-•·▪◦‣–](?=[ \t])")
_ATX_RE = re.compile(r"[ ]{0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")
_UNDERLINE_RE = re.compile(r"[ ]{0,3}(=+|-+)[ \t]*$")
_MARKDOWN_HEADING_RE = re.compile(
    r"^[ ]{0,3}#{1,6}[ \t]|\S[ \t]*\n[ ]{0,3}(?:={2,}|-{2,})[ \t]*$", re.M
)
_RULE_RE = re.compile(r"[ ]{0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_TERMINAL_RE = re.compile(r"[.!?:;][\"'”’)\]*_]*$")
_EMPH_RE = re.compile(r"^(\*\*|__)(.+?)\1")
_ROMAN_RE = re.compile(r"m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_TOKEN = r"(?:\d{1,3}|[A-Za-z]|[ivxlcdm]{2,7}|[IVXLCDM]{2,7})"
_PAREN_RE = re.compile(rf"\((?P<v>{_TOKEN})\)\.?(?=\s|$)")
_RPAREN_RE = re.compile(rf"(?P<v>{_TOKEN})\\?\)(?=\s|$)")
_DOT_RE = re.compile(rf"(?P<v>{_TOKEN})\\?\.(?=\s|$)")
_BARE_RE = re.compile(r"(?P<v>\d{1,3})(?:\t|[ ]+(?=[A-Z“\"*]))")
_DOTTED_RE = re.compile(r"(?P<v>\d{1,3}(?:\\?\.\d{1,3})+)\\?\.?(?=\s|$)")
_MIXED_RE = re.compile(r"(?P<v>\d{1,3}(?:\((?:[a-z]{1,5}|\d{1,2})\))+)(?=[\s.:]|$)")
_PREFIX_RE = re.compile(
    r"(?:section|article|clause|§)[ \t]*"
    r"(?P<v>\d{1,3}[A-Za-z]?(?:\.[0-9A-Za-z]{1,5}|\([0-9A-Za-z]{1,5}\))*)"
    r"\\?[.:)]?(?=\t|[ \t]*$|[ \t]+[-–—:]|[ \t]+(?!of\b|and\b|or\b|to\b)[A-Z“\"*(])",
    re.IGNORECASE,
)
_INLINE_RE = re.compile(r"\((?P<v>[ivxlcdm]{1,6}|[a-z]|[A-Z]|\d{1,2})\)(?=[\s,:])")
_RUNIN_TITLE_RE = re.compile(r"([^.:!?\n]{1,80})[.:](?:\s|$)")
_SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "the",
        "to",
        "under",
        "with",
        "without",
        "via",
    ]
)


@dataclass(frozen=True, slots=True)
class Section:
    """A span of text with its clause path: the unit of labels and alignment.

    ``key`` is the normalised label used to align the same clause across two
    versions; ``label`` is for people; ``start``/``end`` are character offsets
    into the text (sections are contiguous and cover the whole text).
    """

    key: str
    label: str
    start: int
    end: int
    kind: str = "paragraph"
    title: str = ""
    paragraph: int = 0


@dataclass(slots=True)
class _Comp:
    """One step of a section path: a heading, a numbered item, a bullet..."""

    kind: str  # heading | num | bullet | runin | inline
    indent: int = 0
    style: tuple[str, str, int] = ("", "", 0)
    value: int = 0
    number: str = ""  # rendered numbering token ("2", "c", "iii"), "" if none
    form: str = "dot"  # paren | dot
    title: str = ""
    level: int = 0  # heading level

    def display(self) -> str:
        """The words for this step when it is not part of a numbering run."""
        if self.kind == "bullet":
            return f"bullet {self.value}"
        return self.title or self.number


@dataclass(slots=True)
class _Marker:
    """What a paragraph's first line starts with."""

    kind: str  # bullet | num | path
    indent: int
    comps: list[tuple[str, str]] = field(default_factory=list)  # (token, form)
    rest: str = ""
    end: int = 0  # offset in the stripped line where the rest begins


def _roman(tok: str) -> int:
    """Value of a roman numeral token, 0 when it is not one."""
    low = tok.lower()
    if not low or not _ROMAN_RE.fullmatch(low):
        return 0
    vals = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
    total = 0
    for i, ch in enumerate(low):
        v = vals[ch]
        total += -v if i + 1 < len(low) and vals[low[i + 1]] > v else v
    return total


def _interpretations(tok: str) -> list[tuple[str, int]]:
    """Possible (numbering kind, value) readings of a marker token, likeliest first."""
    if tok.isdigit():
        return [("arabic", int(tok))]
    upper = tok.isupper()
    rkind, akind = ("ROMAN", "ALPHA") if upper else ("roman", "alpha")
    rv = _roman(tok)
    if len(tok) == 1:
        av = ord(tok.lower()) - 96
        if rv and tok.lower() == "i":
            return [(rkind, rv), (akind, av)]
        return [(akind, av), (rkind, rv)] if rv else [(akind, av)]
    return [(rkind, rv)] if rv else []


def _indent_width(line: str) -> int:
    """Indentation of a line in columns (a tab counts as four)."""
    width = 0
    for ch in line:
        if ch == " ":
            width += 1
        elif ch == "\t":
            width += 4
        else:
            break
    return width


_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!])")
_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_UNDERSCORE_RE = re.compile(r"(?<!\w)_(.+?)_(?!\w)")
_SPACES_RE = re.compile(r"\s+")


def _strip_emphasis(text: str) -> str:
    """Drop markdown emphasis and escapes, fold white space: for titles and keys."""
    if "\\" in text:
        text = _ESCAPE_RE.sub(r"\1", text)
    if "](" in text:
        text = _LINK_RE.sub(r"\1", text)
    text = text.replace("**", "").replace("__", "")
    if "_" in text:
        text = _UNDERSCORE_RE.sub(r"\1", text)
    return _SPACES_RE.sub(" ", text).strip()


def _parse_marker(line: str) -> _Marker | None:
    """Recognise a numbering or bullet marker at the start of a line."""
    indent = _indent_width(line)
    s = line.lstrip(" \t")
    offset = len(line) - len(s)
    if _BULLET_RE.match(s) and not _RULE_RE.match(s):
        return _Marker("bullet", indent, [], s[1:].lstrip(), offset + 1)
    bold = ""
    if s.startswith(("**", "__")):
        bold, s, offset = s[:2], s[2:], offset + 2
    m = _PREFIX_RE.match(s)
    if m:
        return _Marker("path", indent, _split_path(m.group("v")), s[m.end() :], offset + m.end())
    for rx, kind, form in (
        (_MIXED_RE, "path", ""),
        (_DOTTED_RE, "path", ""),
        (_PAREN_RE, "num", "paren"),
        (_RPAREN_RE, "num", "dot"),
        (_DOT_RE, "num", "dot"),
        (_BARE_RE, "num", "dot"),
    ):
        m = rx.match(s)
        if not m:
            continue
        tok = m.group("v")
        if kind == "num" and not _interpretations(tok):
            continue
        rest = s[m.end() :]
        if bold and rest.startswith(bold):
            rest = rest[2:]
        comps = _split_path(tok) if kind == "path" else [(tok, form)]
        return _Marker(kind, indent, comps, rest, offset + m.end())
    return None


def _split_path(path: str) -> list[tuple[str, str]]:
    """Split an explicit clause reference such as ``1.b.v`` or ``2(c)(iii)``."""
    comps: list[tuple[str, str]] = []
    for m in re.finditer(r"\(([0-9A-Za-z]+)\)|([0-9A-Za-z]+)", path.replace("\\", "")):
        if m.group(1):
            comps.append((m.group(1), "paren"))
        else:
            tok = m.group(2)
            # "1b" in "Section 1b": a number with a letter suffix is two steps.
            mm = re.fullmatch(r"(\d+)([A-Za-z])", tok)
            if mm:
                comps.extend([(mm.group(1), "dot"), (mm.group(2), "dot")])
            else:
                comps.append((tok, "dot"))
    return comps


def _is_all_caps_heading(content: str) -> bool:
    """A short line in capitals without closing punctuation reads as a heading."""
    s = content.strip()
    if len(s) > _TITLE_MAX:
        return False
    letters = [c for c in s if c.isalpha()]
    return (
        len(letters) >= 3
        and len(s) <= _TITLE_MAX
        and all(c.isupper() for c in letters)
        and not s.endswith((".", ",", ";", ":"))
        and sum(c.isascii() for c in letters) == len(letters)
    )


def _bold_only(content: str) -> str | None:
    """The text of a line that is entirely bold and short, else None."""
    s = content.strip()
    m = re.fullmatch(r"(\*\*|__)(.+?)\1[.:]?", s)
    if not m or "**" in m.group(2):
        return None
    inner = m.group(2).strip()
    if len(inner) > _TITLE_MAX or inner.endswith((".", ",", ";")):
        return None
    return inner


def _ends_unit(content: str, first_line: bool) -> bool:
    """Whether a paragraph must end after this line (i.e. it is not hard-wrapped).

    Heading shapes count only on a paragraph's first line: a hard-wrapped
    disclaimer in capitals is not a run of headings.
    """
    s = content.strip()
    return (
        len(s) < _WRAP_MIN
        or bool(_TERMINAL_RE.search(s))
        or s.startswith("|")
        or (
            first_line
            and (
                bool(_ATX_RE.match(content))
                or _is_all_caps_heading(content)
                or _bold_only(content) is not None
            )
        )
    )


def _starts_block(content: str) -> bool:
    """Whether a line starts a new paragraph even without a blank line before it."""
    s = content.lstrip(" \t")
    return (
        bool(_ATX_RE.match(content))
        or s.startswith("|")
        or bool(_RULE_RE.match(content))
        or _parse_marker(content) is not None
    )


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line, the end including its newline."""
    out: list[tuple[int, int]] = []
    pos, n = 0, len(text)
    while pos < n:
        nl = text.find("\n", pos)
        end = n if nl == -1 else nl + 1
        out.append((pos, end))
        pos = end
    return out


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Split a text into paragraphs: the units that a diff aligns.

    Why not lines: hard-wrapped licences (Llama 2) break a clause over many
    lines; why not blank lines only: some texts (Falcon, Gemini) have none.
    A paragraph ends at a blank line, before a line that starts with a marker
    (bullet, numbering, heading, table row), or after a line that does not look
    hard-wrapped (short, or ending a sentence). Blank lines belong to the
    paragraph above them, so the spans are contiguous and cover ``text``.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    lines_in_par = 0
    after_blank = False
    force_break = False
    prev = ""
    for s, e in _lines(text):
        content = text[s:e].rstrip("\n").rstrip("\r")
        if not content.strip():
            if lines_in_par:
                after_blank = True
            continue
        if lines_in_par:
            underline = (
                lines_in_par == 1
                and not after_blank
                and _UNDERLINE_RE.match(content) is not None
                and len(content.strip()) >= 2
                and getattr(_parse_marker(prev), "kind", "") != "bullet"
            )
            if underline:
                lines_in_par += 1
                force_break = True
                prev = content
                continue
            if (
                after_blank
                or force_break
                or _starts_block(content)
                or _ends_unit(prev, lines_in_par == 1)
            ):
                spans.append((start, s))
                start = s
                lines_in_par = 0
        lines_in_par += 1
        after_blank = False
        force_break = False
        prev = content
    if text:
        spans.append((start, len(text)))
    return spans


def _title_case_prefix(rest: str) -> str:
    """A run-in title such as ``Use of Services.`` at the start of a clause, or ''."""
    m = _RUNIN_TITLE_RE.match(rest)
    if not m:
        return ""
    words = m.group(1).split()
    if not words or len(words) > 10:
        return ""
    for i, w in enumerate(words):
        core = w.strip("“”\"'()’,&/-")
        if not core:
            continue
        if core[0].isupper() or core[0].isdigit() or (i and core.lower() in _SMALL_WORDS):
            continue
        return ""
    return m.group(1).strip()


def _title_of(rest: str) -> str:
    """The title that follows a clause marker: bold text, a run-in title, or a short line."""
    r = rest.lstrip()
    m = _EMPH_RE.match(r)
    if m and len(m.group(2)) <= _TITLE_MAX:
        return _strip_emphasis(m.group(2)).rstrip(".:").strip()
    first = r.split("\n", 1)[0].strip()
    if len(first) <= 2 * _TITLE_MAX and "\n" not in r.strip():
        plain = _strip_emphasis(first)
        if plain and len(plain) <= _TITLE_MAX and not plain.endswith((".", ";", ",")):
            return plain.rstrip(":").strip()
    return _strip_emphasis(_title_case_prefix(r))


def _normalise_key(text: str) -> str:
    """Case- and space-insensitive form of a label, for alignment."""
    return _strip_emphasis(text).lower().rstrip(".:")


def _render(comps: list[_Comp]) -> list[str]:
    """Turn a path into label segments: numbering runs are joined (``2(c)(iii)``)."""
    numbered = [i for i, c in enumerate(comps) if c.number and c.kind != "bullet"]
    if numbered:
        first = numbered[0]
        keep: list[_Comp] = []
        # Headings above the numbering: keep only the nearest, and only a sub-heading.
        above = [c for c in comps[:first] if c.kind == "heading"]
        if above and above[-1].level >= 2:
            keep.append(above[-1])
        keep.extend(c for c in comps[:first] if c.kind != "heading")
        comps = keep + comps[first:]
    segs: list[str] = []
    run = ""
    for c in comps:
        if c.number and c.kind != "bullet":
            if c.form == "paren":
                run += f"({c.number})"
            elif run:
                run += f".{c.number}"
            else:
                run = c.number
            continue
        if run:
            segs.append(run)
            run = ""
        segs.append(c.display())
    if run:
        segs.append(run)
    return segs


def _inline_items(body: str) -> list[tuple[int, str]]:
    """Inline enumerations such as ``(i) ...; (ii) ...`` in a paragraph: (offset, token).

    Only one run is taken: the longest sequence of one kind that starts at its
    first value and increases (gaps of up to two are tolerated, as real texts
    skip numbers). A lone ``(c)`` as in "Copyright (c)" is not a run.
    """
    cands: list[tuple[int, str]] = []
    for m in _INLINE_RE.finditer(body):
        p = m.start()
        if p > 0 and not (body[p - 1].isspace() or body[p - 1] in ":;,—–-"):
            continue
        cands.append((p, m.group("v")))
    best: list[tuple[int, str]] = []
    for kind in ("roman", "alpha", "ALPHA", "arabic"):
        for si, (_p, tok) in enumerate(cands):
            if (kind, 1) not in _interpretations(tok):
                continue
            run = [cands[si]]
            last = 1
            for q, t2 in cands[si + 1 :]:
                vals = [v for k, v in _interpretations(t2) if k == kind]
                if vals and last < vals[0] <= last + 3:
                    run.append((q, t2))
                    last = vals[0]
            if len(run) >= 2 and (len(run) > len(best) or (len(run) == len(best) and run < best)):
                best = run
            break
    return best


@dataclass(slots=True)
class _Para:
    """A classified paragraph: its kind, section path and where its body starts."""

    start: int
    end: int
    kind: str
    comps: list[_Comp]
    title: str
    body_offset: int  # where the text after the marker/title begins (relative)


def _is_title_case_line(content: str, min_words: int = 1) -> bool:
    """A short Title Case line without digits or closing punctuation: a plain heading."""
    s = content.strip()
    words = s.split()
    if content[:1].isspace() or ":" in s or "[" in s:
        return False
    if not (min_words <= len(words) <= 12) or len(s) > _TITLE_MAX:
        return False
    if any(c.isdigit() for c in s):
        return False
    if s.endswith((".", ",", ";", ":")) or not s[0].isupper():
        return False
    return all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words if w[0].isalpha())


def _heading_of(lines: list[str], plain_text: bool, title_case: bool) -> tuple[int, str] | None:
    """(level, text) if the paragraph is a heading, else None.

    A short Title Case line on its own counts as a heading too, as in texts
    copied from web pages that lost their markup: in a ``plain_text`` (no
    markdown headings anywhere) at level 3, in a markdown text (where some
    headings kept their markup) at level 4 and only with two words or more.
    """
    first = lines[0]
    m = _ATX_RE.match(first)
    if m:
        return len(m.group(1)), m.group(2)
    if len(lines) >= 2 and _UNDERLINE_RE.match(lines[1]) and lines[1].strip():
        return (1 if lines[1].strip().startswith("=") else 2), first.strip()
    content_lines = [ln for ln in lines if ln.strip()]
    if len(content_lines) == 1:
        bold = _bold_only(first)
        if bold is not None:
            return 3, bold
        if _parse_marker(first) is None:
            if _is_all_caps_heading(first):
                return 1, first.strip()
            if title_case and _is_title_case_line(first, 1 if plain_text else 2):
                return (3 if plain_text else 4), first.strip()
    return None


def _analyse(text: str) -> list[_Para]:
    """Classify every paragraph and compute its section path."""
    paras: list[_Para] = []
    headings: list[_Comp] = []
    items: list[_Comp] = []
    plain_text = _MARKDOWN_HEADING_RE.search(text) is None
    for s, e in split_paragraphs(text):
        raw = text[s:e]
        lines = [ln.rstrip("\r") for ln in raw.split("\n")]
        lead = 0
        while lead < len(lines) - 1 and not lines[lead].strip():
            lead += 1
        lines = lines[lead:]
        # Title Case lines count as headings only outside numbered clauses.
        head = _heading_of(lines, plain_text, not any(c.kind == "num" for c in items))
        if head is not None:
            level, htext = head
            comp = _Comp("heading", level=level)
            mk = _parse_marker(htext)
            if mk is not None and mk.kind != "bullet":
                tok, form = mk.comps[-1]
                comp.number = ".".join(t for t, _ in mk.comps) if mk.kind == "path" else tok
                comp.form = "dot" if mk.kind == "path" else form
                comp.title = _strip_emphasis(mk.rest) or comp.number
            else:
                comp.title = _strip_emphasis(htext) or htext.strip()
            while headings and headings[-1].level >= level:
                headings.pop()
            headings.append(comp)
            items = []
            paras.append(_Para(s, e, "heading", headings.copy(), comp.title, e - s))
            continue
        first = lines[0]
        mk = _parse_marker(first)
        indent = _indent_width(first)
        if mk is None:
            m = _EMPH_RE.match(first.lstrip())
            after = first.lstrip()[m.end() :] if m else ""
            if (
                m
                and len(m.group(2)) <= _TITLE_MAX
                and after.strip()
                and (m.group(2).rstrip().endswith((".", ":", "!", "?")) or after[:1] in ".:")
            ):
                # Run-in bold heading: "**What You Cannot Do**. You may not ..."
                comp = _Comp("runin", indent, ("runin", "", 0), title=_strip_emphasis(m.group(2)))
                comp.title = comp.title.rstrip(".:").strip()
                items = _place(items, comp)
                body = len(raw) - len(raw.lstrip()) + m.end()
                paras.append(_Para(s, e, "clause", headings + items, comp.title, body))
                continue
            while items and items[-1].indent > indent:
                items.pop()
            while items and items[-1].kind == "bullet" and items[-1].indent >= indent:
                items.pop()
            kind = "paragraph"
            paras.append(_Para(s, e, kind, headings + items, "", 0))
            continue
        title = _title_of(mk.rest)
        body = _lead_offset(raw, lead) + mk.end
        if mk.kind == "bullet":
            comp = _Comp("bullet", mk.indent, ("bullet", "", 0), value=1)
            items = _place(items, comp)
            paras.append(_Para(s, e, "bullet", headings + items, "", body))
            continue
        if mk.kind == "path":
            items = [c for c in items if c.indent < mk.indent]
            counts: dict[str, int] = {}
            for tok, form in mk.comps:
                kind_v = _interpretations(tok) or [("alpha", 0)]
                kind, value = kind_v[0]
                lvl = counts.get(kind, 0)
                counts[kind] = lvl + 1
                items.append(_Comp("num", mk.indent, (kind, form, lvl), value, tok, form, ""))
            items[-1].title = title
        else:
            tok, form = mk.comps[0]
            items = _place_number(items, mk.indent, tok, form, title)
        paras.append(_Para(s, e, "clause", headings + items, title, body))
    return paras


def _lead_offset(raw: str, lead: int) -> int:
    """Offset in ``raw`` of the first non-blank line (paragraphs may open with blanks)."""
    return sum(len(ln) + 1 for ln in raw.split("\n")[:lead])


def _place(items: list[_Comp], comp: _Comp) -> list[_Comp]:
    """Put a bullet or run-in heading into the item stack: sibling or child."""
    items = [c for c in items if c.indent <= comp.indent]
    for i in range(len(items) - 1, -1, -1):
        c = items[i]
        if c.indent < comp.indent:
            break
        if c.style == comp.style:
            comp.value = c.value + 1 if comp.kind == "bullet" else c.value
            return [*items[:i], comp]
    return [*items, comp]


def _place_number(items: list[_Comp], indent: int, tok: str, form: str, title: str) -> list[_Comp]:
    """Put a numbered item into the stack, deciding roman versus letter by context."""
    items = [c for c in items if c.indent <= indent]
    # Siblings can only be at the same indent (deeper entries were just dropped),
    # nearest first.
    same = [
        i
        for i in range(len(items) - 1, -1, -1)
        if items[i].indent == indent and items[i].kind == "num"
    ]
    cands = _interpretations(tok)
    choice: tuple[int, str, int] | None = None
    for strict in (True, False):
        for kind, value in cands:
            for i in same:
                st = items[i].style
                if st[0] == kind and st[1] == form and st[2] == 0:
                    ok = items[i].value == value - 1 if strict else items[i].value < value
                    if ok:
                        choice = (i, kind, value)
                    break
            if choice:
                break
        if choice:
            break
    if choice is not None:
        i, kind, value = choice
        comp = _Comp("num", indent, (kind, form, 0), value, tok, form, title)
        return [*items[:i], comp]
    kind, value = cands[0]
    comp = _Comp("num", indent, (kind, form, 0), value, tok, form, title)
    return [*items, comp]


def split_sections(text: str) -> list[Section]:
    """Split a legal text into labelled sections, one per paragraph or inline item.

    Why: diff hunks and quotes need a clause address a lawyer recognises. The
    returned sections are contiguous, in order, and cover the whole text; a
    paragraph with an inline enumeration (``(i) ...; (ii) ...``) is split into
    its lead-in and one section per item, labelled e.g. ``2(c)(iii)``.
    """
    paras = _analyse(text)
    # The document title (the first, top-level heading, before any clause, and
    # either the only one at its level or the very first paragraph) is left out
    # of every label: "Terms of use › Content" says no more than "Content".
    heading_levels = [p.comps[-1].level for p in paras if p.kind == "heading"]
    title_comp: _Comp | None = None
    title_index = -1
    if heading_levels:
        top = min(heading_levels)
        first_heading = next(i for i, p in enumerate(paras) if p.kind == "heading")
        head = paras[first_heading].comps[-1]
        if (
            head.level == top
            and (heading_levels.count(top) == 1 or first_heading == 0)
            and not any(p.kind in ("clause", "bullet") for p in paras[:first_heading])
        ):
            title_comp = head
            title_index = first_heading
    out: list[Section] = []
    for idx, p in enumerate(paras):
        comps = [c for c in p.comps if c is not title_comp]
        if idx == title_index:
            label = p.title or "title"
            out.append(Section("title", label, p.start, p.end, "title", p.title, idx))
            continue
        segs = _render(comps)
        label = SEP.join(segs) if segs else "preamble"
        key = _normalise_key(label)
        kind = p.kind
        title = p.title or next((c.title for c in reversed(comps) if c.title), "")
        body_start = p.start + p.body_offset
        items = _inline_items(text[body_start : p.end]) if p.kind != "heading" else []
        if not items:
            out.append(Section(key, label, p.start, p.end, kind, title, idx))
            continue
        first_at = body_start + items[0][0]
        if first_at > p.start:
            out.append(Section(key, label, p.start, first_at, kind, title, idx))
        for n, (off, tok) in enumerate(items):
            start = body_start + off
            end = body_start + items[n + 1][0] if n + 1 < len(items) else p.end
            sub = _render([*comps, _Comp("inline", number=tok, form="paren")])
            sub_label = SEP.join(sub)
            out.append(
                Section(_normalise_key(sub_label), sub_label, start, end, "inline", title, idx)
            )
    return out


def section_at(sections: list[Section], offset: int) -> int:
    """Index of the section containing ``offset`` (the last one for the end of text)."""
    if not sections:
        return -1
    starts = [s.start for s in sections]
    i = bisect.bisect_right(starts, offset) - 1
    return max(0, min(i, len(sections) - 1))
