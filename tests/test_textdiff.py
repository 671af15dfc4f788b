"""Tests for the clause-aware, deterministic text diff (tos_kb.diff.text, tos_kb.diff.sections)."""

from __future__ import annotations

import io
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from unittest import mock

import pytest
from diff_match_patch import diff_match_patch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tos_kb.diff import text as textdiff
from tos_kb.diff.render import to_html, to_json, to_markdown, to_rich
from tos_kb.diff.sections import section_at, split_paragraphs, split_sections
from tos_kb.diff.text import (
    DELETE,
    EQUAL,
    INSERT,
    TextDiff,
    apply_patch,
    diff_texts,
    make_dmp,
)

CORPUS = Path(__file__).resolve().parents[1] / ".." / "shared" / "corpus"
TOU = CORPUS / "openai" / "terms-of-use"

SAMPLE = """\
Thank you for using Example!

1. Registration and Access

You must be at least 13 years old to use the Services.

2. Usage Requirements

(a) Use of Services. You may access the Services in accordance with these Terms.

(b) Feedback. We appreciate feedback, comments, ideas, proposals and suggestions.

(c) Restrictions. You may not (i) use the Services in a way that infringes any \
person's rights; (ii) reverse assemble or decompile the Services; (iii) use output \
from the Services to develop models that compete with Example; (iv) use any \
automated method to extract data from the Services; or (v) buy or sell API keys.

(d) Third Party Services. Third party products are subject to their own terms.

3. Content

(a) Your Content. You may provide input to the Services and receive output.
"""

MARKDOWN = """\
Terms of use
============

Using Our Services
------------------

**What You Cannot Do**. You may not use our Services for any illegal activity:

* Use our Services in a way that infringes anyone's rights.
* Modify, copy, lease, sell or distribute any of our Services.
* Use Output to develop models that compete with Example.

**Software.** Our Services may allow you to download software.
"""

LLAMA_LIKE = """\
1. License Rights and Redistribution.

      a. Grant of Rights. You are granted a non-exclusive, worldwide licence
to use the Llama Materials.

      b. Redistribution and Use.

            i. If you distribute the Llama Materials, you shall provide a copy
of this Agreement.

            v. You will not use the Llama Materials or any output to improve any
other large language model.

2. Additional Commercial Terms. If your monthly active users exceed 700 million,
you must request a license from Meta.
"""

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text with the characters that break naive diffs: unicode, CJK, emoji, all kinds
# of white space (including \r and non-breaking spaces) and clause punctuation.
_ALPHABET = st.sampled_from(
    [
        *"abcdefghij ABC xyz 0123 ()[].,;:*-#_\n\n\n\t\r\u00a0\u2028é’“”",
        *["条", "款", "😀", "ß", "İ", "(i)", "(ii)", "(a)", "1. ", "* ", "## ", "\n\n"],
    ]
)
texts = st.lists(_ALPHABET, max_size=120).map("".join)
words = st.sampled_from(
    [
        "the",
        "Services",
        "you",
        "may",
        "not",
        "use",
        "Output",
        "models",
        "compete",
        "OpenAI",
        "licence",
        "shall",
        "(i)",
        "(ii)",
        "(iii)",
        "(a)",
        "(b)",
        "é",
        "条款",
        "😀",
        ";",
        ",",
    ]
)
markers = st.sampled_from(["", "1. ", "2. ", "(a) ", "(b) ", "(i) ", "* ", "## ", "**Title.** "])
paragraphs = st.tuples(markers, st.lists(words, min_size=1, max_size=25)).map(
    lambda t: t[0] + " ".join(t[1])
)
documents = st.lists(paragraphs, min_size=1, max_size=12)


@st.composite
def edited_pairs(draw: st.DrawFn) -> tuple[str, str]:
    """A legal-looking document and an edited version of it (rewords, moves, deletions)."""
    paras = draw(documents)
    sep = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n"]))
    new = list(paras)
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(["reword", "delete", "insert", "move"]))
        if not new:
            new.append(draw(paragraphs))
            continue
        i = draw(st.integers(0, len(new) - 1))
        if kind == "reword":
            new[i] = new[i].replace(draw(words), draw(words), 1) + draw(st.sampled_from(["", " x"]))
        elif kind == "delete":
            del new[i]
        elif kind == "insert":
            new.insert(i, draw(paragraphs))
        else:
            p = new.pop(i)
            new.insert(draw(st.integers(0, len(new))), p)
    return sep.join(paras), sep.join(new)


def _check_invariants(old: str, new: str, d: TextDiff) -> None:
    """Ops rebuild both texts and every hunk's offsets point at its texts."""
    assert "".join(t for op, t in d.ops if op != INSERT) == old
    assert "".join(t for op, t in d.ops if op != DELETE) == new
    assert all(t for _, t in d.ops), "no empty ops"
    assert all(a[0] != b[0] for a, b in itertools.pairwise(d.ops)), "adjacent ops merged"
    for h in d.hunks:
        assert h.kind in textdiff.HUNK_KINDS
        assert old[h.old_start : h.old_end] == h.old_text
        assert new[h.new_start : h.new_end] == h.new_text
        assert "".join(t for op, t in h.ops if op != INSERT) == h.old_text
        assert "".join(t for op, t in h.ops if op != DELETE) == h.new_text


def _read(path: Path) -> str:
    """Read a corpus text, skipping the test when the corpus is not checked out."""
    if not path.is_file():
        pytest.skip(f"corpus text not available: {path}")
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- diff basics


@SETTINGS
@given(texts)
def test_diff_of_identical_texts_is_empty(a: str) -> None:
    """diff(a, a) has no hunks, only equal ops, and reports itself empty."""
    d = diff_texts(a, a)
    assert d.is_empty
    assert d.hunks == []
    assert all(op == EQUAL for op, _ in d.ops)
    assert d.stats.chars_inserted == d.stats.chars_deleted == 0


def test_diff_of_identical_real_text_is_empty() -> None:
    """The diff of a real 24 KB text against itself is empty."""
    a = _read(TOU / "2023-03-14.txt")
    assert diff_texts(a, a).is_empty


@SETTINGS
@given(texts, texts)
def test_apply_patch_roundtrips_arbitrary_texts(a: str, b: str) -> None:
    """apply_patch(a, diff(a, b)) == b for arbitrary unicode and white-space texts."""
    d = diff_texts(a, b)
    assert apply_patch(a, d) == b
    _check_invariants(a, b, d)
    assert d.is_empty == (a == b)


@SETTINGS
@given(edited_pairs())
def test_apply_patch_roundtrips_edited_documents(pair: tuple[str, str]) -> None:
    """Edited legal-looking documents (rewords, moves, deletions) round-trip exactly."""
    a, b = pair
    d = diff_texts(a, b)
    assert apply_patch(a, d) == b
    _check_invariants(a, b, d)


@SETTINGS
@given(edited_pairs(), st.integers(2, 40))
def test_size_bound_fallback_stays_exact(pair: tuple[str, str], bound: int) -> None:
    """With a tiny exact-diff bound (forcing anchors and unrefined regions) ops stay exact."""
    a, b = pair
    d = diff_texts(a, b, max_exact_tokens=bound, max_exact_work=bound * bound, max_align_cells=4)
    assert apply_patch(a, d) == b
    _check_invariants(a, b, d)


def test_apply_patch_rejects_a_different_source() -> None:
    """Applying a diff to a text it was not made from is an error, not a guess."""
    d = diff_texts("alpha beta", "alpha gamma")
    with pytest.raises(ValueError):
        apply_patch("alpha delta", d)


@SETTINGS
@given(edited_pairs())
def test_diff_is_deterministic(pair: tuple[str, str]) -> None:
    """Diffing the same texts twice gives the same ops, hunks and JSON."""
    a, b = pair
    assert diff_texts(a, b) == diff_texts(a, b)
    assert json.dumps(to_json(diff_texts(a, b))) == json.dumps(to_json(diff_texts(a, b)))


def test_real_pair_is_deterministic_and_exact() -> None:
    """The OpenAI 2023 -> 2024 Terms of Use diff is exact and identical on a rerun."""
    a, b = _read(TOU / "2023-03-14.txt"), _read(TOU / "2024-01-31.txt")
    d1, d2 = diff_texts(a, b), diff_texts(a, b)
    assert d1 == d2
    assert apply_patch(a, d1) == b
    _check_invariants(a, b, d1)
    assert d1.unrefined == 0
    labels = {h.label for h in d1.hunks}
    assert "2(c)(iii) -> Using Our Services › What You Cannot Do › bullet 7" in labels


def test_result_does_not_depend_on_hash_seed() -> None:
    """Two interpreters with different string-hash seeds produce the same diff JSON."""
    script = (
        "import json, sys; sys.path.insert(0, sys.argv[1]);"
        "from tests.test_textdiff import SAMPLE, MARKDOWN;"
        "from tos_kb.diff.text import diff_texts; from tos_kb.diff.render import to_json;"
        "new = SAMPLE.replace('(b) Feedback', '(b) Comments') + MARKDOWN;"
        "print(json.dumps(to_json(diff_texts(SAMPLE + MARKDOWN, new))))"
    )
    root = str(Path(__file__).resolve().parents[1])
    outs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", script, root],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outs.append(done.stdout)
    assert outs[0] == outs[1] and outs[0].strip()


# --------------------------------------------------------------------------- no timeout


def test_dmp_timeout_is_off() -> None:
    """The diff-match-patch instance in use has Diff_Timeout == 0 (no clock involved)."""
    assert make_dmp().Diff_Timeout == 0


class _SpyDmp(diff_match_patch):
    """A diff_match_patch that checks, on every diff_main call, that the timeout is off."""

    calls = 0

    def diff_main(self, text1, text2, checklines=True, deadline=None):  # type: ignore[no-untyped-def]
        assert self.Diff_Timeout == 0
        type(self).calls += 1
        return super().diff_main(text1, text2, checklines, deadline)


def _spy_dmp() -> diff_match_patch:
    """Like make_dmp, but returns a spy."""
    dmp = _SpyDmp()
    dmp.Diff_Timeout = 0
    return dmp


@SETTINGS
@given(edited_pairs())
def test_timing_does_not_matter(pair: tuple[str, str]) -> None:
    """A clock jumping an hour per call (a very slow machine) gives the same diff,
    and every diff_main call runs with Diff_Timeout == 0."""
    a, b = pair
    expected = diff_texts(a, b)
    clock = itertools.count(int(time.time()), 3600)
    with (
        mock.patch.object(textdiff, "make_dmp", _spy_dmp),
        mock.patch("time.time", lambda: float(next(clock))),
    ):
        slow = diff_texts(a, b)
    assert slow == expected


def test_diff_main_is_used_with_timeout_off_on_real_text() -> None:
    """On a real pair, diff_main is called (the token diffs) and always with the timeout off."""
    _SpyDmp.calls = 0
    a, b = SAMPLE, SAMPLE.replace("compete with", "rival").replace("(d) Third", "(d) Other")
    with mock.patch.object(textdiff, "make_dmp", _spy_dmp):
        d = diff_texts(a, b)
    assert _SpyDmp.calls > 0
    assert apply_patch(a, d) == b


# --------------------------------------------------------------------------- clauses


def test_moved_paragraph_is_reported_as_a_move() -> None:
    """A paragraph moved elsewhere is one 'moved' hunk, not a removal plus an addition."""
    paras = SAMPLE.split("\n\n")
    moved = paras.pop(5)  # (b) Feedback
    assert moved.startswith("(b) Feedback")
    paras.insert(len(paras) - 1, moved)
    new = "\n\n".join(paras)
    d = diff_texts(SAMPLE, new)
    assert [h.kind for h in d.hunks] == ["moved"]
    (h,) = d.hunks
    assert h.old_text.startswith("(b) Feedback") and h.new_text.startswith("(b) Feedback")
    assert h.old_label == "2(b)"
    assert apply_patch(SAMPLE, d) == new


def test_near_identical_move_is_still_a_move() -> None:
    """A moved paragraph that was also reflowed and lightly edited is still a move."""
    para = (
        "(d) Third Party Services. Third party products are subject to their own terms, "
        "and we are not responsible for third party products or their availability."
    )
    old = SAMPLE.replace(
        "(d) Third Party Services. Third party products are subject to their own terms.", para
    )
    edited = para.replace("their own terms, and", "their own\nterms, and").replace(
        "availability", "availabilities"
    )
    paras = old.split("\n\n")
    idx = paras.index(para)
    paras.pop(idx)
    paras.insert(1, edited)
    new = "\n\n".join(paras)
    d = diff_texts(old, new)
    moves = [h for h in d.hunks if h.kind == "moved"]
    assert len(moves) == 1
    assert moves[0].old_label == "2(d)"
    assert (DELETE, "availability") in moves[0].ops or any(op == INSERT for op, _ in moves[0].ops)
    assert apply_patch(old, d) == new


def test_change_inside_inline_clause_is_labelled_with_it() -> None:
    """A change inside clause 2(c)(iii) gives one hunk labelled 2(c)(iii)."""
    new = SAMPLE.replace("develop models that compete", "develop any models that compete")
    d = diff_texts(SAMPLE, new)
    assert len(d.hunks) == 1
    h = d.hunks[0]
    assert h.kind == "changed"
    assert h.old_label == h.new_label == "2(c)(iii)"
    assert h.label == "2(c)(iii)"
    assert (INSERT, "any ") in h.ops


def test_change_inside_real_clause_is_labelled_with_it() -> None:
    """In the real OpenAI 2023 terms, an edit to (iii) of 2(c) is labelled 2(c)(iii)."""
    a = _read(TOU / "2023-03-14.txt")
    needle = "use output from the Services to develop models that compete with OpenAI"
    assert needle in a
    b = a.replace(
        needle, "use output from the Services to develop any model that competes with OpenAI"
    )
    d = diff_texts(a, b)
    assert [h.label for h in d.hunks] == ["2(c)(iii)"]
    assert apply_patch(a, d) == b


def test_renumbered_clause_label_shows_both_sides() -> None:
    """A clause that moved from (b) to (c) is labelled 'old -> new'."""
    old = "1. Terms\n\n(a) Alpha clause text here.\n\n(b) Feedback. We like feedback a lot.\n"
    new = (
        "1. Terms\n\n(a) Alpha clause text here.\n\n(b) New one.\n\n"
        "(c) Feedback. We like feedback a lot!\n"
    )
    d = diff_texts(old, new)
    labels = [h.label for h in d.hunks]
    assert "1(b) -> 1(c)" in labels


# --------------------------------------------------------------------------- sections


def test_sections_label_numbered_and_inline_clauses() -> None:
    """Numbered clauses, lettered sub-clauses and inline roman items get paths like 2(c)(iii)."""
    labels = [s.label for s in split_sections(SAMPLE)]
    for want in [
        "preamble",
        "1",
        "2",
        "2(a)",
        "2(b)",
        "2(c)",
        "2(c)(i)",
        "2(c)(iii)",
        "2(c)(v)",
        "2(d)",
        "3(a)",
    ]:
        assert want in labels


def test_sections_label_markdown_headings_and_bullets() -> None:
    """Markdown headings, run-in bold headings and bullets give 'Heading › Title › bullet N'."""
    secs = split_sections(MARKDOWN)
    labels = [s.label for s in secs]
    assert secs[0].kind == "title" and secs[0].label == "Terms of use"
    assert "Using Our Services › What You Cannot Do" in labels
    assert "Using Our Services › What You Cannot Do › bullet 3" in labels
    assert "Using Our Services › Software" in labels


def test_sections_label_dotted_indented_clauses() -> None:
    """Indented 'a.' and 'i.'/'v.' items under '1.' are labelled 1.a, 1.b.i, 1.b.v (Llama style)."""
    labels = [s.label for s in split_sections(LLAMA_LIKE)]
    assert labels[:6] == ["1", "1.a", "1.b", "1.b.i", "1.b.v", "2"]


def test_sections_explicit_references() -> None:
    """'Section 1.b.v', '2.1' and '2(c)' at a paragraph start are read as full paths."""
    text = "Section 1.b.v Training. No.\n\n2.1\tGrant.\n\n(a)\tSub item.\n\n2(c) Mixed style.\n"
    labels = [s.label for s in split_sections(text)]
    assert labels == ["1.b.v", "2.1", "2.1(a)", "2(c)"]


def test_sections_real_llama_clause() -> None:
    """The Llama 2 licence's output-training clause is found at 1.b.v."""
    text = _read(CORPUS / "meta" / "llama-2-license" / "2023-07-18.txt")
    secs = split_sections(text)
    hit = [s for s in secs if "improve any other large language model" in text[s.start : s.end]]
    assert [s.label for s in hit] == ["1.b.v"]


def test_sections_real_openai_clause() -> None:
    """The OpenAI 2023 competing-models clause is 2(c)(iii); in 2024 it is bullet 7."""
    old, new = _read(TOU / "2023-03-14.txt"), _read(TOU / "2024-01-31.txt")
    hit = [
        s.label
        for s in split_sections(old)
        if "develop models that compete" in old[s.start : s.end]
    ]
    assert hit == ["2(c)(iii)"]
    hit = [
        s.label
        for s in split_sections(new)
        if "develop models that compete" in new[s.start : s.end]
    ]
    assert hit == ["Using Our Services › What You Cannot Do › bullet 7"]


def test_section_at_finds_the_clause_of_an_offset() -> None:
    """section_at maps a character offset (e.g. of a quote) to the clause containing it."""
    secs = split_sections(SAMPLE)
    offset = SAMPLE.index("develop models that compete")
    assert secs[section_at(secs, offset)].label == "2(c)(iii)"
    assert secs[section_at(secs, len(SAMPLE))].label == "3(a)"
    assert section_at([], 0) == -1


def test_textdiff_reexports_split_sections() -> None:
    """split_sections is part of the textdiff API, as the diff's clause labels come from it."""
    assert textdiff.split_sections is split_sections


@SETTINGS
@given(st.one_of(texts, documents.map("\n\n".join), documents.map("\n".join)))
def test_sections_cover_the_text(text: str) -> None:
    """Sections (and paragraphs) are non-empty, contiguous and cover the whole text."""
    for spans in ([(s.start, s.end) for s in split_sections(text)], split_paragraphs(text)):
        if not text:
            assert spans == []
            continue
        assert spans[0][0] == 0 and spans[-1][1] == len(text)
        assert all(s < e for s, e in spans)
        assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))


# --------------------------------------------------------------------------- renderers


def test_html_escapes_script() -> None:
    """HTML output escapes all text, so a <script> in a clause is shown, not run."""
    d = diff_texts("Clause one.\n", "Clause one. <script>alert('x')</script>\n")
    out = to_html(d)
    assert "<script>" not in out
    assert "&lt;script&gt;" in out
    assert '<ins class="diff-ins">' in out
    page = to_html(d, standalone=True)
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page


def test_html_marks_deletions_and_insertions() -> None:
    """Deleted words are in <del class="diff-del">, inserted ones in <ins class="diff-ins">."""
    d = diff_texts(SAMPLE, SAMPLE.replace("compete with Example", "rival Example"))
    out = to_html(d)
    assert '<del class="diff-del">' in out and '<ins class="diff-ins">' in out
    assert "2(c)(iii)" in out


def test_json_is_serialisable_and_complete() -> None:
    """to_json gives plain JSON with stats, labelled hunks and the full ops."""
    new = SAMPLE.replace("(b) Feedback.", "(b) Comments.")
    d = diff_texts(SAMPLE, new)
    data = json.loads(json.dumps(to_json(d)))
    assert data["stats"]["hunks"] == len(d.hunks) == len(data["hunks"])
    assert data["hunks"][0]["label"] == "2(b)"
    assert "".join(t for op, t in data["ops"] if op != DELETE) == new


def test_markdown_fences_text_and_labels_hunks() -> None:
    """Markdown shows each hunk under its clause label with a fenced [-del-]{+ins+} body."""
    d = diff_texts(SAMPLE, SAMPLE.replace("compete with", "rival"))
    md = to_markdown(d)
    assert "2(c)(iii)" in md
    assert "[-compete with-]{+rival+}" in md or "[-compete with -]{+rival +}" in md
    assert "```text" in md
    assert to_markdown(diff_texts("a", "a")) == "No changes.\n"


def test_markdown_fence_survives_backticks() -> None:
    """A text containing a ``` run cannot close the markdown fence early."""
    d = diff_texts("code ``` here\n", "code ```` there\n")
    md = to_markdown(d)
    assert "````text\n" in md and md.rstrip().endswith("\n````")


def test_rich_renderable_shows_labels_and_colours() -> None:
    """to_rich renders clause labels as headings with coloured insertions and deletions."""
    d = diff_texts(SAMPLE, SAMPLE.replace("compete with", "rival"))
    console = Console(
        record=True, width=100, color_system="truecolor", force_terminal=True, file=io.StringIO()
    )
    console.print(to_rich(d))
    text = console.export_text(clear=False)
    assert "2(c)(iii)" in text and "rival" in text
    styled = console.export_html(inline_styles=True)
    assert "#008000" in styled or "green" in styled
