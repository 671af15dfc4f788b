"""The mkdocs hook: generate the site's pages from the knowledge base at build time.

Set ``TOS_KB_TERMS`` to build the site from another ``terms/`` folder (tests
do, with a tiny fictional archive). Events used:

- ``on_config``: load the archive, fill in the nav's providers, subjects and
  documents sections;
- ``on_files``: add every generated page, verbatim text, the JSON export and
  the Atom feed as virtual files (nothing is written to ``site/``);
- ``on_page_markdown``: fill the markers of hand-written pages
  (``<!-- tos-kb:readme "Heading" -->`` inserts a README section;
  ``<!-- tos-kb:summary -->``, ``<!-- tos-kb:latest-changes -->``,
  ``<!-- tos-kb:export-keys -->``);
- ``on_page_content``: splice generated HTML into its slots, after Markdown;
- ``on_page_context``: tidy edit links that point into ``terms/``.
"""

from __future__ import annotations

import logging
import os
import posixpath
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from markdown_it import MarkdownIt
from mkdocs.structure.files import File, Files, InclusionLevel

import tos_kb
from tos_kb.sitegen import coverage
from tos_kb.sitegen.build import Generated, expand_nav, generate
from tos_kb.sitegen.export import TOP_LEVEL_KEYS
from tos_kb.sitegen.markup import PageSource, code, esc, splice, table

log = logging.getLogger("mkdocs.hooks.tos_kb")
REPO = Path(__file__).resolve().parents[2]
_README_RE = re.compile(r'<!--\s*tos-kb:readme\s+"([^"]+)"\s*-->')
_MARKER_RE = re.compile(r"<!--\s*tos-kb:(summary|latest-changes|export-keys)\s*-->")

_state: dict[str, Any] = {}


def _kb() -> tos_kb.KnowledgeBase:
    from mkdocs.exceptions import PluginError

    terms = os.environ.get("TOS_KB_TERMS")
    try:
        return tos_kb.load(terms) if terms else tos_kb.load()
    except tos_kb.TosKbError as exc:  # the archive's problems, as validate lists them
        raise PluginError(str(exc)) from None


def validated(kb: tos_kb.KnowledgeBase) -> tos_kb.KnowledgeBase:
    """``kb`` once ``tos-kb validate`` would pass on it: the site never publishes an archive
    with problems (a text that is a link, a hash that does not match, a quote not found)."""
    from mkdocs.exceptions import PluginError

    from tos_kb.records.validate import check_texts

    problems = [*kb.archive.problems, *check_texts(kb.archive)]
    if problems:
        raise PluginError(str(tos_kb.KnowledgeBaseError(problems)))
    return kb


def on_config(config: Any) -> Any:
    """Load and validate the archive once per build, and expand the nav."""
    kb = validated(_kb())
    _state.clear()
    _state["kb"] = kb
    if config.nav:
        config.nav = expand_nav(config.nav, kb)
    return config


def on_files(files: Files, config: Any) -> Files:
    """Add the generated pages and files."""
    kb = _state.get("kb") or _kb()
    generated = generate(
        kb,
        directory_urls=config.use_directory_urls,
        site_url=config.site_url or "",
        edit_links=not os.environ.get("TOS_KB_TERMS"),
    )
    _state["generated"] = generated
    _state["slots"] = {}
    in_nav = _nav_targets(config.nav or [])
    for src, source in generated.pages.items():
        if files.get_file_from_path(src) is not None:
            raise ValueError(f"generated page {src} would replace a hand-written page")
        inclusion = InclusionLevel.UNDEFINED if src in in_nav else InclusionLevel.NOT_IN_NAV
        file = File.generated(config, src, content=source.markdown(), inclusion=inclusion)
        if source.edit and generated.site.edit_links:
            file.edit_uri = f"../terms/{source.edit}"  # relative to edit_uri's site/
        files.append(file)
        _state["slots"][src] = source.slots
    for path, content in generated.files.items():
        files.append(File.generated(config, path, content=content))
    return files


def _nav_targets(nav: list[Any]) -> set[str]:
    found: set[str] = set()
    for item in nav:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            if isinstance(value, str):
                found.add(value)
            elif isinstance(value, list):
                found |= _nav_targets(value)
    return found


def _readme_section(heading: str) -> str:
    return markdown_section((REPO / "README.md").read_text(encoding="utf-8"), heading)


def markdown_section(text: str, heading: str) -> str:
    """The body of the level-2 section titled ``heading``, up to the next level-1 or -2 heading.

    Read from the Markdown's structure (a parser's headings), so a ``#`` comment
    inside a code block is never taken for a heading.
    """
    tokens = MarkdownIt("commonmark").parse(text)
    lines = text.splitlines(keepends=True)
    starts: list[tuple[int, int, str]] = []  # (first line, level, title) of each heading
    for i, token in enumerate(tokens):
        if token.type == "heading_open" and token.map is not None:
            level = int(token.tag[1:])
            starts.append((token.map[0], level, tokens[i + 1].content.strip()))
    for n, (line, level, title) in enumerate(starts):
        if level == 2 and title == heading:
            end = next((s for s, lvl, _ in starts[n + 1 :] if lvl <= 2), len(lines))
            return "".join(lines[line + 1 : end]).strip()
    raise ValueError(f'README.md has no section "## {heading}"')


def on_page_markdown(markdown: str, page: Any, config: Any, files: Files) -> str:
    """Fill the markers of hand-written pages."""
    if "tos-kb:" not in markdown:
        return markdown
    generated: Generated = _state["generated"]
    src = page.file.src_uri
    markdown = _README_RE.sub(lambda m: _readme_section(m.group(1)), markdown)
    holder = PageSource(src, "")

    def fill(match: re.Match[str]) -> str:
        if match.group(1) == "summary":
            holder.html(coverage.summary(generated.site))
        elif match.group(1) == "export-keys":
            holder.html(
                table(
                    ["Key", "What it holds"], [[code(k), esc(v)] for k, v in TOP_LEVEL_KEYS.items()]
                )
            )
        else:
            holder.html(coverage.latest_changes(generated.site, src))
        return "\n\n" + holder.parts[-1] + "\n\n"

    markdown = _MARKER_RE.sub(fill, markdown)
    _state["slots"].setdefault(src, {}).update(holder.slots)
    return markdown


def on_page_context(context: Any, page: Any, config: Any, nav: Any) -> Any:
    """Normalise edit links that step out of ``site/`` into ``terms/``."""
    if page.edit_url and "/../" in page.edit_url:
        parts = urlsplit(page.edit_url)
        path = posixpath.normpath(parts.path)
        page.edit_url = urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))
    return context


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    """Splice generated HTML into the rendered page."""
    slots = _state.get("slots", {}).get(page.file.src_uri)
    return splice(html, slots) if slots else html
