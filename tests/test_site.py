"""The published site: a strict build from the archive, whole links, inert archived text.

The shipped archive is built once per session (``built_site``); a tiny
fictional archive full of markup is built to check that nothing archived can
become markup, script or a ``javascript:`` link.
"""

from __future__ import annotations

import atexit
import functools
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from kbbuilder import default_spec, version, write_kb

import tos_kb
from tos_kb.sitegen import paths
from tos_kb.sitegen.build import run_mkdocs
from tos_kb.sitegen.context import Site
from tos_kb.sitegen.export import build_export, to_json
from tos_kb.sitegen.markup import esc, md_escape, safe_url, splice
from tos_kb.sitegen.verbatim import Quote, render

REPO = Path(__file__).resolve().parent.parent
ATOM = "{http://www.w3.org/2005/Atom}"
SITE_URL = "https://example.org/tos-kb/"  # a publication address for the test build
EDIT_URI = "https://example.org/repo/edit/main/site/"


def mkdocs_build(dest: Path, terms: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs build --strict`` into ``dest`` (from ``terms`` when given)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOS_KB_")}
    env["TOS_KB_SITE_URL"] = SITE_URL
    env["TOS_KB_EDIT_URI"] = EDIT_URI
    if terms is not None:
        env["TOS_KB_TERMS"] = str(terms)
    return run_mkdocs(REPO / "mkdocs.yml", dest, env)


@functools.lru_cache(maxsize=1)
def built_site() -> Path:
    """The site built from the shipped archive (once per test session)."""
    root = Path(tempfile.mkdtemp(prefix="tos-kb-site-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    dest = root / "public"
    done = mkdocs_build(dest)
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


@pytest.fixture(scope="module")
def public() -> Path:
    return built_site()


@pytest.fixture(scope="module")
def shipped() -> tos_kb.KnowledgeBase:
    return tos_kb.load()


def page_file(public: Path, src: str) -> Path:
    """The built HTML file of a page source."""
    return public / paths.url(src) / "index.html"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            if name in ("href", "src") and value is not None:
                self.links.append((tag, value))


@functools.lru_cache(maxsize=4096)
def parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --- the shipped archive ------------------------------------------------------------


def test_strict_build_has_every_page_family(public: Path, shipped: tos_kb.KnowledgeBase) -> None:
    """Providers, subjects, documents, versions and change pages are all generated."""
    site = Site(shipped)
    expected = [
        "index.md",
        "ask.md",
        "querying.md",
        "export.md",
        "contributing.md",
        "api.md",
        "coverage.md",
        "changes/index.md",
        "providers/index.md",
        "subjects/index.md",
        "documents/index.md",
    ]
    expected += [paths.provider(p) for p in shipped.archive.providers]
    expected += [paths.subject(s.id) for s in shipped.subjects()]
    expected += [paths.document(d) for d in shipped.documents]
    expected += [paths.version(f"{r.document}@{r.version}") for r in shipped.versions()]
    expected += [p.src for p in site.pairs]
    missing = [src for src in expected if not page_file(public, src).exists()]
    assert not missing
    assert (public / "feed.xml").exists()
    assert (public / "export" / "tos-kb.json").exists()


def test_internal_links_and_anchors_resolve(public: Path) -> None:
    """Every relative link points at a built file, and every anchor at an element id."""
    broken = []
    for page in public.rglob("*.html"):
        if page.name == "404.html":
            continue  # its links are absolute, for any depth
        for _, link in parse(page).links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or link.startswith(("mailto:", "data:", "/")):
                continue
            if not parts.path:
                target = page
            else:
                target = (page.parent / unquote(parts.path)).resolve()
                if link.endswith("/") or target.is_dir():
                    target = target / "index.html"
            if not target.exists():
                broken.append((str(page.relative_to(public)), link))
                continue
            fragment = unquote(parts.fragment)
            checked = fragment and not fragment.startswith("__") and target.suffix == ".html"
            if checked and fragment not in parse(target).ids:
                broken.append((str(page.relative_to(public)), link))
    assert not broken, broken[:20]


def test_no_javascript_links_anywhere(public: Path) -> None:
    """No href or src in the site uses a scheme other than http(s) or a relative path."""
    for page in public.rglob("*.html"):
        for _, link in parse(page).links:
            scheme = urlsplit(link.strip()).scheme.lower()
            assert scheme in ("", "http", "https", "mailto"), (page, link)


def test_version_pages_anchor_every_quote_and_line(
    public: Path, shipped: tos_kb.KnowledgeBase
) -> None:
    """Each rule's quote has a #q-<n> anchor inside a highlight; every line has #L<n>."""
    for record in shipped.versions():
        key = f"{record.document}@{record.version}"
        page = page_file(public, paths.version(key))
        ids = parse(page).ids
        text = shipped.version(key).read_text()
        for n in range(1, text.count("\n") + 2):
            assert f"L{n}" in ids, (key, n)
        content = page.read_text(encoding="utf-8")
        for i, rule in enumerate(record.rules):
            if rule.quote:
                assert f"q-{i}" in ids, (key, i)
                assert re.search(rf'<mark class="tk-q[^"]*\bq-{i}\b', content), (key, i)
            assert f"rule-{i}" in ids
        for i, _ in enumerate(record.preconditions):
            assert f"qp-{i}" in ids, (key, i)


def test_published_texts_match_their_hashes(public: Path, shipped: tos_kb.KnowledgeBase) -> None:
    """Each version's text.txt is published byte for byte (its SHA-256 is on the page)."""
    for record in shipped.versions():
        key = f"{record.document}@{record.version}"
        published = public / paths.version_text(key)
        assert hashlib.sha256(published.read_bytes()).hexdigest() == record.sha256, key
        assert record.sha256 in page_file(public, paths.version(key)).read_text(encoding="utf-8")
        for extra in record.also:
            served = public / paths.version_text(key, extra.file)
            assert hashlib.sha256(served.read_bytes()).hexdigest() == extra.sha256, extra.file
            assert served.suffix == ".txt", "a verbatim text is served as it is, never rendered"


def test_feed_is_valid_atom(public: Path, shipped: tos_kb.KnowledgeBase) -> None:
    """feed.xml is an Atom feed: id, title, updated, author, and complete unique entries."""
    root = ET.parse(public / "feed.xml").getroot()
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated", "author"):
        assert root.find(f"{ATOM}{name}") is not None, name
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
    assert stamp.match(root.findtext(f"{ATOM}updated") or "")
    entries = root.findall(f"{ATOM}entry")
    assert entries
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(ids) == len(set(ids))
    days = [e.findtext(f"{ATOM}updated") for e in entries]
    assert days == sorted(days, reverse=True)
    for entry in entries:
        assert stamp.match(entry.findtext(f"{ATOM}updated") or "")
        assert entry.findtext(f"{ATOM}title")
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.get("href", "").startswith(SITE_URL)
        local = link.get("href", "")[len(SITE_URL) :].split("#")[0]
        assert (public / local / "index.html").exists(), local
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "html"


def test_export_is_published(public: Path, shipped: tos_kb.KnowledgeBase) -> None:
    """The JSON export on the site is build_export() of the archive, byte for byte."""
    published = (public / "export" / "tos-kb.json").read_text(encoding="utf-8")
    assert published == to_json(build_export(shipped))


def test_home_page_shows_the_readme_commands(public: Path) -> None:
    """The home page carries the README's two commands, verbatim."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^python3 -m venv .*$", readme, re.MULTILINE)
    assert len(commands) == 2
    home = html.unescape(re.sub(r"<[^>]+>", "", (public / "index.html").read_text("utf-8")))
    for command in commands:
        assert command in home


def test_contributing_and_api_pages(public: Path) -> None:
    """Contributing includes CONTRIBUTING.md; the API page documents the public names."""
    contributing = html.unescape((public / "contributing" / "index.html").read_text("utf-8"))
    assert "This guide is for lawyers and researchers" in contributing
    api = (public / "api" / "index.html").read_text("utf-8")
    for name in (
        "tos_kb.load",
        "tos_kb.KnowledgeBase",
        "tos_kb.Decision",
        "tos_kb.sitegen.export.build_export",
    ):
        assert f'id="{name}"' in api, name


def test_edit_links_point_at_source_data(public: Path) -> None:
    """Generated pages' edit links open the record they show, under terms/."""
    version_page = page_file(public, paths.version("meta/llama-2-license@2023-07-18"))
    assert "/edit/main/terms/meta/llama-2-license/2023-07-18/record.yaml" in version_page.read_text(
        "utf-8"
    )
    subject_page = page_file(public, paths.subject("llama-2"))
    assert "/edit/main/terms/subjects/llama-2.yaml" in subject_page.read_text("utf-8")
    assert "/edit/main/site/index.md" in (public / "index.html").read_text("utf-8")


def test_changes_log_lists_every_event(public: Path, shipped: tos_kb.KnowledgeBase) -> None:
    """The change log has one filterable card per event, rewordings hidden until asked for."""
    log = (public / "changes" / "index.html").read_text("utf-8")
    rows = re.findall(r'<li class="tk-event" data-direction="([a-z]+)" data-kind="([a-z]+)"', log)
    events = shipped.changes(include_reworded=True)
    assert len(rows) == len(events)
    assert sorted(d for d, _ in rows) == sorted(e.direction.value for e in events)
    hidden = re.findall(r'<li class="tk-event" data-direction="([a-z]+)"[^>]* hidden>', log)
    assert hidden and set(hidden) == {"reworded"}


def test_charts_use_theme_colours(public: Path) -> None:
    """Charts are inline SVG coloured by classes (CSS variables), never by fixed colours."""
    page = page_file(public, paths.subject("llama-3.1")).read_text("utf-8")
    svgs = re.findall(r"<svg class=\"tk-chart.*?</svg>", page, re.DOTALL)
    assert svgs
    for svg in svgs:
        assert not re.search(r'(fill|stroke|style)="', svg.replace('class="', ""))
    css = (REPO / "site" / "assets" / "tos-kb.css").read_text()
    assert '[data-md-color-scheme="slate"]' in css and "currentColor" in css


# --- hostile content in a fictional archive -----------------------------------------

HOSTILE_TEXT = """Example Corp Terms of Use (fictional, for tests)
1. Use. You may use the Services and you own the Output.
2. Restrictions. You may not use Output to develop models that compete with Example Corp.
3. You may not scrape the Services.
4. <script>alert('text')</script> and <img src=x onerror=alert('img')> stay words.
"""


def hostile_spec() -> dict:
    spec = default_spec()
    spec["providers"]["acme"]["name"] = "Example <svg onload=alert('provider')> Corp"
    terms = spec["documents"]["acme/terms"]["versions"]
    rules = [r for r in terms[0]["record"]["rules"] if r["action"] != "build-eval-set"]
    rules.append(
        {
            "action": "build-eval-set",
            "verdict": "permitted",
            "section": "<b>4</b>",
            "quote": "<script>alert('text')</script>",
            "obligations": ["<i>keep</i> [this](javascript:alert('md'))"],
            "note": "[click](javascript:alert('note')) <img src=x onerror=alert('note')> **x**",
        }
    )
    terms[0] = version(
        "acme/terms",
        "2023-03-14",
        HOSTILE_TEXT,
        rules,
        title="Terms <img src=x onerror=alert('title')>",
        source_url="javascript:alert('source')",
        notes="<script>alert('notes')</script>",
    )
    subject = spec["subjects"]["acme-api"]
    subject["name"] = "Example <script>alert('subject')</script> API"
    subject["description"] = "[x](javascript:alert('description')) <b>bold</b>"
    return spec


@functools.lru_cache(maxsize=1)
def hostile_site() -> Path:
    root = Path(tempfile.mkdtemp(prefix="tos-kb-hostile-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    terms = write_kb(root, hostile_spec())
    tos_kb.load(terms)  # it must be a valid archive, or the test proves nothing
    dest = root / "public"
    done = mkdocs_build(dest, terms)
    assert done.returncode == 0, done.stdout + done.stderr
    return dest


def test_archived_markup_renders_inert() -> None:
    """Script, event handlers and javascript: links in records and texts stay text."""
    public = hostile_site()
    pages = list(public.rglob("*.html"))
    assert pages
    for page in pages:
        content = page.read_text("utf-8")
        assert "<script>alert" not in content, page
        assert "<img src=x" not in content, page
        assert "<svg onload" not in content, page
        assert "<b>4</b>" not in content and "<b>bold</b>" not in content, page
        for _, link in parse(page).links:
            assert not link.strip().lower().startswith("javascript:"), (page, link)
    version_page = page_file(public, paths.version("acme/terms@2023-03-14")).read_text("utf-8")
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in version_page
    assert re.search(r'<mark class="tk-q[^"]*">&lt;script&gt;', version_page)
    assert "javascript:alert(&#x27;source&#x27;)" in version_page  # shown as text, not linked
    feed = ET.parse(public / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    json.loads((public / "export" / "tos-kb.json").read_text("utf-8"))


def test_fictional_site_marks_tightening() -> None:
    """The subject matrix marks acme-api's train-on-outputs as tightened on 2024-01-31."""
    page = page_file(hostile_site(), paths.subject("acme-api")).read_text("utf-8")
    row = re.search(r"<tr><th scope=\"row\"><code>train-on-outputs</code></th>(.*?)</tr>", page)
    assert row is not None
    assert 'title="tightened"' in row.group(1)
    change = page_file(
        hostile_site(), paths.change("acme/terms@2023-03-14", "acme/terms@2024-01-31")
    )
    assert "tk-d-tightened" in change.read_text("utf-8")


# --- the building blocks -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.com/terms", True),
        ("http://example.com", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("https://example.com/a b", False),
        ('https://example.com/"onmouseover="x', False),
        ("//example.com", False),
        ("example.com", False),
        ("ftp://example.com", False),
    ],
)
def test_only_http_urls_are_safe(url: str, safe: bool) -> None:
    """Only absolute http(s) URLs with a host and no odd characters become links."""
    assert (safe_url(url) is not None) == safe


def test_markdown_escaping() -> None:
    """Text placed in Markdown cannot form links, emphasis or tags."""
    text = md_escape("[x](javascript:alert(1)) *y* <b>")
    assert "](" not in text.replace("\\](", "")
    assert "<b>" not in text and "\\*y\\*" in text
    assert esc('"<>&') == "&quot;&lt;&gt;&amp;"


def test_splice_replaces_only_known_slots() -> None:
    """Slots are replaced by their fragment; unknown markers are left alone."""
    out = splice("<p>TOSKBSLOT00000</p><p>TOSKBSLOT00009</p>", {"TOSKBSLOT00000": "<b>x</b>"})
    assert out == "<b>x</b><p>TOSKBSLOT00009</p>"


def test_verbatim_render_highlights_overlapping_quotes() -> None:
    """Overlapping quotes share highlighted segments; anchors mark where each begins."""
    text = "alpha beta\ngamma <delta>\n"
    out, lines = render(
        text, [Quote("q-0", "beta gamma"), Quote("q-1", "gamma <delta>"), Quote("q-2", "not there")]
    )
    assert lines == {"q-0": 1, "q-1": 2}
    assert '<span class="tk-anchor" id="q-0"></span><mark class="tk-q q-0">beta</mark>' in out
    assert '<mark class="tk-q q-0 q-1">gamma</mark>' in out
    assert "&lt;delta&gt;" in out and "<delta>" not in out
    assert 'id="L1"' in out and 'id="L3"' in out


def test_relative_links() -> None:
    """Links between generated pages are relative to the page's own URL."""
    assert paths.rel("documents/a/b/v1.md", "subjects/x.md") == "../../../../subjects/x/"
    assert paths.rel("index.md", "subjects/x.md") == "subjects/x/"
    assert paths.rel("subjects/x.md", "index.md") == "../../"
    assert paths.rel("documents/a/b/v1.md", paths.version_text("a/b@v1")) == "text.txt"
    assert paths.rel("subjects/x.md", "subjects/y.md", anchor="k") == "../y/#k"
    assert paths.change("a/b@1", "a/b@2") == "changes/a/b/2.md"
    assert paths.change("a/b@1", "a/c@2") == "changes/succession/a/c.md"


def test_a_readme_section_is_cut_by_its_structure_not_by_lines() -> None:
    """A '#' comment in a code block does not end a README section (the home page bug)."""
    from tos_kb.sitegen.hook import markdown_section

    text = "\n".join(
        [
            "# Title",
            "## Asking",
            "```python",
            "kb = load()   # the archive",
            "# a comment",
            "```",
            "| verdict | meaning |",
            "|---|---|",
            "| permitted | allowed |",
            "",
            "### Details",
            "More.",
            "## Next",
            "Other.",
        ]
    )
    section = markdown_section(text, "Asking")
    assert section.startswith("```python") and "# a comment" in section
    assert "| permitted | allowed |" in section and "### Details" in section
    assert "Other." not in section


def test_the_home_page_has_no_literal_code_fence(public: Path) -> None:
    """The README sections on the home page render as Markdown, not as literal text."""
    home = (public / "index.html").read_text("utf-8")
    assert "```" not in html.unescape(re.sub(r"<[^>]+>", "", home))


def test_a_version_page_lists_only_the_subjects_of_its_own_window() -> None:
    """A version page lists its subjects only over the days that version is in force."""
    from tos_kb.sitegen.context import Site
    from tos_kb.sitegen.versions import subjects_of_version, version_window

    kb = tos_kb.load()
    site = Site(kb)
    for document in site.governs:
        for placed in kb.timeline(document).placed:
            window = version_window(site, placed.key)
            assert window is not None
            for _, _, days in subjects_of_version(site, placed.key):
                assert window.start <= days.start
                assert window.end is None or (days.end is not None and days.end <= window.end)
    falcon = [sid for sid, _, _ in subjects_of_version(site, "tii/falcon-llm-license-1.0@2023-05")]
    assert "falcon-40b" in falcon
    apache = dict((sid, d) for sid, _, d in subjects_of_version(site, "oss/apache-2.0@2004-01"))
    assert apache["falcon-40b"].start.isoformat() == "2023-05-31"


def test_coverage_lists_the_days_an_excerpt_leaves_unknown(public: Path) -> None:
    """Gemma from 2026-04-01 (only the preamble archived) is listed as an excerpt gap."""
    from tos_kb.sitegen.context import Site
    from tos_kb.sitegen.coverage import excerpt_gaps

    kb = tos_kb.load()
    gaps = excerpt_gaps(Site(kb))
    assert ("gemma", "train-on-outputs") in {(s, a) for s, a, _, _ in gaps}
    for subject, action, start, _ in gaps:
        assert kb.ask(subject, action, on=start).unknown_reason == "excerpt-does-not-cover"
    page = (public / "coverage" / "index.html").read_text("utf-8")
    assert 'id="excerpts"' in page


def test_every_change_page_opens_with_its_summary(public: Path) -> None:
    """The first paragraph of each change page is the change's sentence in plain words."""
    pages = list((public / "changes").rglob("index.html"))
    pages = [p for p in pages if p.parent != public / "changes"]
    assert pages
    for page in pages:
        text = page.read_text("utf-8")
        article = text.split('<article class="md-content__inner md-typeset">', 1)[1]
        first = re.search(r"<p[^>]*>(.*?)</p>", article, re.S)
        assert first and 'class="tk-change-summary"' in first.group(0), page
        sentence = html.unescape(re.sub(r"<[^>]+>", "", first.group(1))).strip()
        assert sentence.endswith(".") and len(sentence.split()) >= 5, (page, sentence)


def test_provider_pages_tell_their_story(public: Path) -> None:
    """Each provider page carries kb.story: its coverage and every change, with the sentences."""
    kb = tos_kb.load()
    told = kb.story("openai")
    page = page_file(public, paths.provider("openai")).read_text("utf-8")
    assert 'id="story"' in page
    text = html.unescape(page)
    assert told.chapters
    for chapter in told.chapters:
        assert chapter.event.summary in text
