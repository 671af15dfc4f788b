"""Deterministic, clause-aware diff of two versions of a legal text.

Why this exists: a plain character diff (``diff_main``) of two 24 KB terms of
use ran for over two minutes with diff-match-patch's timeout off, and with the
timeout on its result depends on how fast the machine is. An archive must show
the same diff on every machine, so this module never relies on the timeout
(``Diff_Timeout = 0`` always) and instead keeps every exact diff small:

1. Both texts are cut into clause units, paragraphs and inline items such as
   ``(iii)`` (:func:`tos_kb.diff.sections.split_sections`), and diffed as sequences
   of units, each unit mapped to one character (the ``diff_linesToChars``
   trick, generalised to any tokens).
2. Inside each changed block, old and new units are paired in order by word
   overlap and by clause (same numbering such as ``2(c)``, or same heading).
3. Each pair is diffed word by word, again as a token diff mapped to
   characters, so the result is exact and deterministic.
4. Units deleted in one place and inserted nearly unchanged elsewhere (ratio
   >= 0.9 after folding white space), or the same titled clause reworded
   elsewhere, are reported as one ``moved`` hunk.

Exact diffs are bounded by token counts, not by time: tokens that occur in
only one side are dropped first (this preserves the longest common
subsequence); above ``max_exact_tokens`` per diff, or once the call's work
budget ``max_exact_work`` is spent, the sequences are split at tokens that
occur exactly once in each (patience anchors); a part with no anchor is left
unrefined, i.e. shown as a whole deletion and insertion.

``ops`` always reproduce both texts exactly: joining equal and insert parts
gives ``new``, equal and delete parts gives ``old``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from diff_match_patch import diff_match_patch

from tos_kb.diff.sections import Section, split_sections

__all__ = [
    "DELETE",
    "EQUAL",
    "HUNK_KINDS",
    "INSERT",
    "DiffStats",
    "Hunk",
    "Op",
    "Section",
    "TextDiff",
    "apply_patch",
    "diff_texts",
    "make_dmp",
    "split_sections",
]

Op = tuple[int, str]
DELETE, EQUAL, INSERT = -1, 0, 1
HUNK_KINDS = ("changed", "added", "removed", "moved")

MAX_EXACT_TOKENS = 2000
"""Above this many tokens (old + new, after dropping unshared ones) an exact
diff is split at unique anchors first: the worst case of an exact diff grows
with the square of its size (about 0.7 s for 2000 tokens that share nothing
in order), so this bounds the time without any clock."""

MAX_EXACT_WORK = 8_000_000
"""Budget for all exact diffs of one call, counted as the sum of (tokens)^2 of
each exact diff (its worst-case cost). Real corpus pairs use under 1 M; once
spent, remaining regions are split at anchors only. This bounds the worst case
of a whole call (about 1.5 s here) without looking at a clock."""

MAX_ALIGN_CELLS = 250_000
"""Largest changed block (old paragraphs x new paragraphs) whose paragraphs are
paired; a larger block is shown as removed and added paragraphs (and moves)."""

MAX_MOVE_PAIRS = 1_000_000
"""Largest number of (removed, added) paragraph pairs compared for near-moves;
above it only moves identical after folding white space are found."""

MOVE_RATIO = 0.9
PAIR_SIMILARITY = 0.5
KEY_PAIR_SIMILARITY = 0.25
MIN_MOVE_CHARS = 16

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_TOKEN_RE = re.compile(rf"[^\W{_CJK}]+\s*|[{_CJK}]\s*|[^\w\s]\s*|\s+")
_WORD_RE = re.compile(r"\w+")
_SPACE_RE = re.compile(r"\s+")


def make_dmp() -> diff_match_patch:
    """A diff-match-patch instance with the timeout off: results never depend on speed."""
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    return dmp


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, slots=True)
class Hunk:
    """One change, grouped by clause: what a reviewer reads.

    ``old_label``/``new_label`` are the clause paths on each side (None for the
    side an added or removed paragraph lacks); ``ops`` is a word-level diff of
    ``old_text`` into ``new_text`` for rendering. Offsets are into the texts.
    """

    kind: str
    old_label: str | None
    new_label: str | None
    old_text: str
    new_text: str
    ops: list[Op]
    old_start: int
    old_end: int
    new_start: int
    new_end: int
    old_key: str | None = None
    new_key: str | None = None

    @property
    def label(self) -> str:
        """``old -> new`` when the clause moved or was renumbered, else the one label."""
        if self.old_label is None:
            return self.new_label or ""
        if self.new_label is None or self.new_label == self.old_label:
            return self.old_label
        return f"{self.old_label} -> {self.new_label}"


@dataclass(frozen=True, slots=True)
class DiffStats:
    """Counts for a summary line: characters and hunks by kind."""

    chars_inserted: int
    chars_deleted: int
    hunks: int
    changed: int
    added: int
    removed: int
    moved: int
    unrefined: int

    def as_dict(self) -> dict[str, int]:
        """Plain dict, for JSON."""
        return {
            "chars_inserted": self.chars_inserted,
            "chars_deleted": self.chars_deleted,
            "hunks": self.hunks,
            "changed": self.changed,
            "added": self.added,
            "removed": self.removed,
            "moved": self.moved,
            "unrefined": self.unrefined,
        }


@dataclass(frozen=True, slots=True)
class TextDiff:
    """The diff of two texts: exact ops over the full texts plus clause hunks.

    ``unrefined`` counts regions too large and anchorless to diff exactly;
    they appear as a whole deletion plus insertion (still exact as text).
    """

    ops: list[Op]
    hunks: list[Hunk]
    unrefined: int = 0

    @property
    def is_empty(self) -> bool:
        """True when the two texts are identical."""
        return all(op == EQUAL for op, _ in self.ops)

    @property
    def stats(self) -> DiffStats:
        """Characters inserted and deleted, and hunks by kind."""
        kinds = [h.kind for h in self.hunks]
        return DiffStats(
            chars_inserted=sum(len(t) for op, t in self.ops if op == INSERT),
            chars_deleted=sum(len(t) for op, t in self.ops if op == DELETE),
            hunks=len(self.hunks),
            changed=kinds.count("changed"),
            added=kinds.count("added"),
            removed=kinds.count("removed"),
            moved=kinds.count("moved"),
            unrefined=self.unrefined,
        )

    @property
    def old_text(self) -> str:
        """The old text, rebuilt from the ops."""
        return "".join(t for op, t in self.ops if op != INSERT)

    @property
    def new_text(self) -> str:
        """The new text, rebuilt from the ops."""
        return "".join(t for op, t in self.ops if op != DELETE)


# --------------------------------------------------------------------------- token diff


@dataclass(slots=True)
class _Ctx:
    """Settings and counters shared by one :func:`diff_texts` call."""

    dmp: diff_match_patch
    max_exact_tokens: int
    budget: int
    unrefined: int = 0


def _code_char(k: int) -> str:
    """The k-th character used to encode a token, skipping surrogates."""
    cp = 0x100 + k
    if cp >= 0xD800:
        cp += 0x800
    return chr(cp)


def _dmp_matches(a: list[int], b: list[int], ctx: _Ctx) -> list[tuple[int, int]]:
    """Exact LCS of two token sequences via diff_main on one character per token."""
    codes_a, codes_b = _encode(a, b)
    out_a = [_code_char(k) for k in codes_a]
    out_b = [_code_char(k) for k in codes_b]
    assert ctx.dmp.Diff_Timeout == 0, "a timeout would make the diff machine-dependent"
    diffs = ctx.dmp.diff_main("".join(out_a), "".join(out_b), False)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    for op, text in diffs:
        n = len(text)
        if op == EQUAL:
            pairs.extend((i + k, j + k) for k in range(n))
            i += n
            j += n
        elif op == DELETE:
            i += n
        else:
            j += n
    return pairs


def _unique_anchors(a: list[int], b: list[int]) -> list[tuple[int, int]]:
    """Patience anchors: tokens once in each side, longest increasing run of them."""
    count_a: dict[int, int] = {}
    for t in a:
        count_a[t] = count_a.get(t, 0) + 1
    count_b: dict[int, int] = {}
    pos_b: dict[int, int] = {}
    for j, t in enumerate(b):
        count_b[t] = count_b.get(t, 0) + 1
        pos_b[t] = j
    cands = [(i, pos_b[t]) for i, t in enumerate(a) if count_a[t] == 1 and count_b.get(t) == 1]
    if not cands:
        return []
    # Longest increasing subsequence of the b positions (patience sorting).
    tails: list[int] = []
    tail_idx: list[int] = []
    prev: list[int] = [-1] * len(cands)
    for k, (_, j) in enumerate(cands):
        p = bisect.bisect_left(tails, j)
        if p == len(tails):
            tails.append(j)
            tail_idx.append(k)
        else:
            tails[p] = j
            tail_idx[p] = k
        prev[k] = tail_idx[p - 1] if p else -1
    out: list[tuple[int, int]] = []
    k = tail_idx[-1]
    while k >= 0:
        out.append(cands[k])
        k = prev[k]
    out.reverse()
    return out


def _match(a: list[int], b: list[int], ctx: _Ctx) -> list[tuple[int, int]]:
    """Matched index pairs (increasing) of a common subsequence of two token lists.

    Exact (a longest common subsequence) whenever the tokens the two sides
    share number at most ``ctx.max_exact_tokens`` and the work budget is not
    spent; otherwise split at unique anchors, and a part without anchors is
    left unmatched. Iterative, so a long chain of splits cannot exhaust the
    stack.
    """
    out: list[tuple[int, int]] = []
    work: list[tuple[int, int, list[int], list[int]]] = [(0, 0, a, b)]
    while work:
        oa, ob, sa, sb = work.pop()
        n, m = len(sa), len(sb)
        p = 0
        lim = min(n, m)
        while p < lim and sa[p] == sb[p]:
            p += 1
        q = 0
        while q < lim - p and sa[n - 1 - q] == sb[m - 1 - q]:
            q += 1
        out.extend((oa + k, ob + k) for k in range(p))
        out.extend((oa + n - q + k, ob + m - q + k) for k in range(q))
        ca, cb = sa[p : n - q], sb[p : m - q]
        if not ca or not cb:
            continue
        shared = set(ca).intersection(cb)
        ia = [i for i, t in enumerate(ca) if t in shared]
        ib = [j for j, t in enumerate(cb) if t in shared]
        if not ia:
            continue
        ra = [ca[i] for i in ia]
        rb = [cb[j] for j in ib]
        base_a, base_b = oa + p, ob + p
        size = len(ra) + len(rb)
        if size <= ctx.max_exact_tokens and size * size <= ctx.budget:
            ctx.budget -= size * size
            out.extend((base_a + ia[i], base_b + ib[j]) for i, j in _dmp_matches(ra, rb, ctx))
            continue
        anchors = _unique_anchors(ra, rb)
        if not anchors:
            ctx.unrefined += 1
            continue
        pi = pj = 0
        for i, j in [*anchors, (len(ra), len(rb))]:
            if i > pi and j > pj:
                # Gaps are re-expressed in the trimmed coordinates of ``ca``/``cb``.
                ga = ia[pi:i]
                gb = ib[pj:j]
                sub_a = ca[ga[0] : ga[-1] + 1]
                sub_b = cb[gb[0] : gb[-1] + 1]
                work.append((base_a + ga[0], base_b + gb[0], sub_a, sub_b))
            if i < len(ra):
                out.append((base_a + ia[i], base_b + ib[j]))
            pi, pj = i + 1, j + 1
    out.sort()
    return out


def _opcodes(
    n: int, m: int, matches: list[tuple[int, int]]
) -> list[tuple[bool, int, int, int, int]]:
    """Runs of (equal?, i1, i2, j1, j2) from matched pairs covering both sequences."""
    codes: list[tuple[bool, int, int, int, int]] = []
    i = j = 0
    k = 0
    while k < len(matches):
        x, y = matches[k]
        if x > i or y > j:
            codes.append((False, i, x, j, y))
        r = k
        while r + 1 < len(matches) and matches[r + 1] == (matches[r][0] + 1, matches[r][1] + 1):
            r += 1
        x2, y2 = matches[r][0] + 1, matches[r][1] + 1
        codes.append((True, x, x2, y, y2))
        i, j, k = x2, y2, r + 1
    if i < n or j < m:
        codes.append((False, i, n, j, m))
    return codes


def _tokens(text: str) -> list[str]:
    """Words with their trailing white space, single punctuation marks, CJK characters."""
    return _TOKEN_RE.findall(text)


def _encode(*seqs: Sequence[Hashable]) -> list[list[int]]:
    """Map tokens to small integers shared across the sequences (first-seen order)."""
    index: dict[Hashable, int] = {}
    return [[index.setdefault(t, len(index)) for t in seq] for seq in seqs]


def _refine(a: str, b: str, ctx: _Ctx, *, cleanup: bool = True) -> list[Op]:
    """Word-level diff of two paragraphs, exact, then made readable by semantic cleanup."""
    if a == b:
        return [(EQUAL, a)] if a else []
    ta, tb = _tokens(a), _tokens(b)
    ca, cb = _encode(ta, tb)
    ops: list[Op] = []
    for eq, i1, i2, j1, j2 in _opcodes(len(ta), len(tb), _match(ca, cb, ctx)):
        if eq:
            ops.append((EQUAL, "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            ops.append((DELETE, "".join(ta[i1:i2])))
        if j2 > j1:
            ops.append((INSERT, "".join(tb[j1:j2])))
    if cleanup and len(ops) > 2:
        ctx.dmp.diff_cleanupSemantic(ops)
    return [(op, t) for op, t in ops if t]


def _ratio(a: str, b: str, ctx: _Ctx) -> int:
    """Similarity in thousandths: twice the matched characters over both lengths."""
    if not a and not b:
        return 1000
    ta, tb = _tokens(a), _tokens(b)
    ca, cb = _encode(ta, tb)
    unrefined = ctx.unrefined  # a candidate comparison is not part of the diff shown
    same = sum(len(ta[i]) for i, _ in _match(ca, cb, ctx))
    ctx.unrefined = unrefined
    return 2000 * same // (len(a) + len(b))


def _norm(text: str) -> str:
    """Fold runs of white space: a reflowed paragraph is the same paragraph."""
    return _SPACE_RE.sub(" ", text).strip()


# --------------------------------------------------------------------------- alignment


@dataclass(slots=True)
class _Side:
    """One text cut into sections (paragraphs and inline items): the diff's units."""

    text: str
    sections: list[Section]
    units: list[str] = field(default_factory=list)
    words: list[frozenset[str]] = field(default_factory=list)
    norms: list[str] = field(default_factory=list)
    align_keys: list[str | None] = field(default_factory=list)
    align_titles: list[str | None] = field(default_factory=list)

    @classmethod
    def build(cls, text: str) -> _Side:
        """Split ``text`` and precompute what pairing and labelling need."""
        side = cls(text, split_sections(text))
        side.units = [text[s.start : s.end] for s in side.sections]
        side.words = [frozenset(w.lower() for w in _WORD_RE.findall(u)) for u in side.units]
        side.norms = [_norm(u) for u in side.units]
        side.align_keys = [s.key if s.kind in _ALIGN_KINDS else None for s in side.sections]
        side.align_titles = [
            _norm(s.title).lower() or None if s.kind in _TITLE_KINDS else None
            for s in side.sections
        ]
        return side

    def pos(self, unit: int) -> int:
        """Character offset where unit ``unit`` starts (or the text length)."""
        return self.sections[unit].start if unit < len(self.sections) else len(self.text)


_ALIGN_KINDS = ("title", "heading", "clause", "inline")
_TITLE_KINDS = ("title", "heading", "clause")


def _similarity(a: frozenset[str], b: frozenset[str], na: str, nb: str) -> int:
    """Word-set overlap (Dice) in thousandths; texts without words compare whole."""
    total = len(a) + len(b)
    if total == 0:
        return 1000 if na == nb else 0
    return 2000 * len(a & b) // total


def _align(
    olist: list[int], nlist: list[int], old: _Side, new: _Side, max_cells: int
) -> list[tuple[int, int]]:
    """Pair old and new paragraphs of one changed block, in order, maximising overlap.

    A pair needs word overlap >= 0.5, or >= 0.25 when both open the same
    clause (same numbering key, or same heading or run-in title), which also
    earns a bonus: sections are aligned by heading and numbering first.
    """
    m, n = len(olist), len(nlist)
    if not m or not n or m * n > max_cells:
        return []
    pair_min = int(PAIR_SIMILARITY * 1000)
    key_min = int(KEY_PAIR_SIMILARITY * 1000)
    score: list[list[int]] = []
    for i in olist:
        wa, la = old.words[i], len(old.words[i])
        ka, ta = old.align_keys[i], old.align_titles[i]
        row = [-1] * n
        for y, j in enumerate(nlist):
            wb = new.words[j]
            lb = len(wb)
            same_key = (ka is not None and ka == new.align_keys[j]) or (
                ta is not None and ta == new.align_titles[j]
            )
            need = key_min if same_key else pair_min
            if la + lb and 2000 * min(la, lb) < need * (la + lb):
                continue
            s = _similarity(wa, wb, old.norms[i], new.norms[j])
            if s >= need:
                row[y] = s + (300 if same_key else 0)
        score.append(row)
    best = [[0] * (n + 1) for _ in range(m + 1)]
    for x in range(1, m + 1):
        row, above, srow = best[x], best[x - 1], score[x - 1]
        for y in range(1, n + 1):
            v = above[y] if above[y] >= row[y - 1] else row[y - 1]
            sc = srow[y - 1]
            if sc >= 0 and above[y - 1] + sc > v:
                v = above[y - 1] + sc
            row[y] = v
    pairs: list[tuple[int, int]] = []
    x, y = m, n
    while x and y:
        sc = score[x - 1][y - 1]
        if sc >= 0 and best[x][y] == best[x - 1][y - 1] + sc:
            pairs.append((olist[x - 1], nlist[y - 1]))
            x, y = x - 1, y - 1
        elif best[x][y] == best[x - 1][y]:
            x -= 1
        else:
            y -= 1
    pairs.reverse()
    return pairs


def _find_moves(
    dels: list[int],
    ins: list[int],
    old: _Side,
    new: _Side,
    ctx: _Ctx,
    *,
    exact_only: bool,
    different_block: tuple[list[int], list[int]] | None = None,
) -> dict[int, int]:
    """Pair removed with added units that moved: old unit -> new unit.

    ``exact_only``: the same text after folding white space. Otherwise, in
    this order of preference: near-identical (ratio >= MOVE_RATIO), then the
    same titled or numbered clause reworded (word overlap >= PAIR_SIMILARITY).
    """
    moves: dict[int, int] = {}
    if exact_only:
        by_norm: dict[str, list[int]] = {}
        for j in ins:
            if len(new.norms[j]) >= MIN_MOVE_CHARS:
                by_norm.setdefault(new.norms[j], []).append(j)
        taken: set[int] = set()
        for i in dels:
            for j in by_norm.get(old.norms[i], []):
                if j in taken:
                    continue
                if different_block and different_block[0][i] == different_block[1][j]:
                    continue
                moves[i] = j
                taken.add(j)
                break
        return moves
    if len(dels) * len(ins) > MAX_MOVE_PAIRS:
        return moves
    need = int(MOVE_RATIO * 1000)
    titled_need = int(PAIR_SIMILARITY * 1000)
    cands: list[tuple[int, int, int, int]] = []
    for i in dels:
        la = len(old.norms[i])
        if la < MIN_MOVE_CHARS:
            continue
        ka, ta = old.align_keys[i], old.align_titles[i]
        for j in ins:
            lb = len(new.norms[j])
            if lb < MIN_MOVE_CHARS:
                continue
            sim = _similarity(old.words[i], new.words[j], "", "")
            titled = (ta is not None and ta == new.align_titles[j]) or (
                ka is not None and ka == new.align_keys[j]
            )
            if titled and sim >= titled_need:
                # The same titled clause elsewhere, reworded: a move with edits.
                cands.append((1, -sim, i, j))
                continue
            if 2000 * min(la, lb) < need * (la + lb) or sim < need - 150:
                continue
            r = _ratio(old.norms[i], new.norms[j], ctx)
            if r >= need:
                cands.append((0, -r, i, j))
    cands.sort()
    used_new: set[int] = set()
    for _, _, i, j in cands:
        if i in moves or j in used_new:
            continue
        moves[i] = j
        used_new.add(j)
    return moves


# --------------------------------------------------------------------------- hunks


def _hunk(
    kind: str,
    old: _Side,
    old_units: list[int],
    new: _Side,
    new_units: list[int],
    at: int,
    ctx: _Ctx,
    ops: list[Op] | None = None,
) -> Hunk:
    """A hunk over consecutive units of each side; ``at`` is the offset on a side with none."""
    osec = old.sections[old_units[0]] if old_units else None
    nsec = new.sections[new_units[0]] if new_units else None
    ot = "".join(old.units[u] for u in old_units)
    nt = "".join(new.units[u] for u in new_units)
    o0 = osec.start if osec else at
    n0 = nsec.start if nsec else at
    if ops is None:
        ops = _refine(ot, nt, ctx) if ot and nt else [(DELETE, ot)] if ot else [(INSERT, nt)]
    return Hunk(
        kind=kind,
        old_label=osec.label if osec else None,
        new_label=nsec.label if nsec else None,
        old_text=ot,
        new_text=nt,
        ops=ops,
        old_start=o0,
        old_end=o0 + len(ot),
        new_start=n0,
        new_end=n0 + len(nt),
        old_key=osec.key if osec else None,
        new_key=nsec.key if nsec else None,
    )


def _group_units(units: list[int], side: _Side) -> list[list[int]]:
    """Consecutive units of one paragraph or clause form one added/removed hunk."""
    groups: list[list[int]] = []
    for u in units:
        if groups and groups[-1][-1] == u - 1:
            first, cur = side.sections[groups[-1][0]], side.sections[u]
            if cur.paragraph == first.paragraph or cur.key == first.key:
                groups[-1].append(u)
                continue
        groups.append([u])
    return groups


# --------------------------------------------------------------------------- main entry


def diff_texts(
    old: str,
    new: str,
    *,
    max_exact_tokens: int = MAX_EXACT_TOKENS,
    max_exact_work: int = MAX_EXACT_WORK,
    max_align_cells: int = MAX_ALIGN_CELLS,
) -> TextDiff:
    """Diff two versions of a legal text: exact ops plus clause-labelled hunks.

    Deterministic: the same inputs give the same result on any machine (no
    timeout, no hash-order dependence). See the module docstring for how.
    """
    if old == new:
        return TextDiff([(EQUAL, old)] if old else [], [])
    ctx = _Ctx(make_dmp(), max_exact_tokens, max_exact_work)
    o, n = _Side.build(old), _Side.build(new)
    ca, cb = _encode(o.units, n.units)
    codes = _opcodes(len(ca), len(cb), _match(ca, cb, ctx))
    blocks = [c for c in codes if not c[0]]
    block_of_old = [-1] * len(o.units)
    block_of_new = [-1] * len(n.units)
    for b, (_, i1, i2, j1, j2) in enumerate(blocks):
        for i in range(i1, i2):
            block_of_old[i] = b
        for j in range(j1, j2):
            block_of_new[j] = b
    all_dels = [i for _, i1, i2, _, _ in blocks for i in range(i1, i2)]
    all_ins = [j for _, _, _, j1, j2 in blocks for j in range(j1, j2)]
    # Identical paragraphs in different places are moves, whatever the pairing says.
    moves = _find_moves(
        all_dels,
        all_ins,
        o,
        n,
        ctx,
        exact_only=True,
        different_block=(block_of_old, block_of_new),
    )
    moved_new = set(moves.values())
    pairs_by_block: list[list[tuple[int, int]]] = []
    for _, i1, i2, j1, j2 in blocks:
        olist = [i for i in range(i1, i2) if i not in moves]
        nlist = [j for j in range(j1, j2) if j not in moved_new]
        pairs_by_block.append(_align(olist, nlist, o, n, max_align_cells))
    paired_old = {i for ps in pairs_by_block for i, _ in ps}
    paired_new = {j for ps in pairs_by_block for _, j in ps}
    left_dels = [i for i in all_dels if i not in paired_old and i not in moves]
    left_ins = [j for j in all_ins if j not in paired_new and j not in moved_new]
    near = _find_moves(left_dels, left_ins, o, n, ctx, exact_only=False)
    moves.update(near)
    moved_new.update(near.values())
    move_src = {j: i for i, j in moves.items()}

    ops: list[Op] = []
    hunks: list[Hunk] = []
    b = 0
    for eq, i1, i2, j1, j2 in codes:
        if eq:
            ops.append((EQUAL, "".join(o.units[i1:i2])))
            continue
        pi, pj = i1, j1
        for pi_end, pj_end in [*pairs_by_block[b], (i2, j2)]:
            dels, ins = range(pi, pi_end), range(pj, pj_end)
            ops.extend((DELETE, o.units[i]) for i in dels)
            ops.extend((INSERT, n.units[j]) for j in ins)
            for grp in _group_units([i for i in dels if i not in moves], o):
                hunks.append(_hunk("removed", o, grp, n, [], n.pos(pj), ctx))
            for grp in _group_units([j for j in ins if j not in moved_new], n):
                hunks.append(_hunk("added", o, [], n, grp, o.pos(pi_end), ctx))
            hunks.extend(
                _hunk("moved", o, [move_src[j]], n, [j], 0, ctx) for j in ins if j in move_src
            )
            if pi_end < i2 and pj_end < j2:
                fine = _refine(o.units[pi_end], n.units[pj_end], ctx)
                ops.extend(fine)
                if any(op != EQUAL for op, _ in fine):
                    hunks.append(_hunk("changed", o, [pi_end], n, [pj_end], 0, ctx, fine))
            pi, pj = pi_end + 1, pj_end + 1
        b += 1
    return TextDiff(_merge(ops), _order(hunks), ctx.unrefined)


def _merge(ops: list[Op]) -> list[Op]:
    """Join adjacent ops of the same kind and drop empty ones."""
    out: list[Op] = []
    for op, t in ops:
        if not t:
            continue
        if out and out[-1][0] == op:
            out[-1] = (op, out[-1][1] + t)
        else:
            out.append((op, t))
    return out


def _order(hunks: list[Hunk]) -> list[Hunk]:
    """Hunks in reading order of the new text (a stable sort keeps ties in op order)."""
    return sorted(hunks, key=lambda h: (h.new_start, h.old_start))


def apply_patch(old: str, diff: TextDiff) -> str:
    """Rebuild the new text from ``old`` and a diff made from it.

    Why not fuzzy patching: an archive wants exactly the archived text back,
    so a diff applied to a text it was not made from is an error.
    """
    source = diff.old_text
    if source != old:
        raise ValueError("this diff was not made from the given text")
    return diff.new_text
