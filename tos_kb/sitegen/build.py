"""Everything generated for the site, independent of mkdocs: pages, static files, the nav.

Why apart from the hook: tests and the benchmark can generate the site's
sources from any knowledge base without running mkdocs, and the hook stays a
thin adapter.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tos_kb.kb import KnowledgeBase
from tos_kb.sitegen.export import build_export, to_json

from . import (
    ask_data,
    changelog,
    coverage,
    diffs,
    documents,
    feed,
    hostile,
    paths,
    pipelines,
    providers,
    subjects,
    versions,
)
from .context import Site
from .markup import PageSource, esc


@dataclass
class Generated:
    """The generated pages (by source path) and static files (path -> content)."""

    site: Site
    pages: dict[str, PageSource] = field(default_factory=dict)
    files: dict[str, str | bytes] = field(default_factory=dict)


def page_sources(site: Site) -> Iterator[PageSource]:
    """Every generated page, family by family."""
    yield from providers.pages(site)
    yield from subjects.pages(site)
    yield from documents.pages(site)
    yield from versions.pages(site)
    yield from diffs.pages(site)
    yield changelog.page(site)
    yield coverage.page(site)
    yield pipelines.page()
    yield hostile.page()


def static_files(site: Site, site_url: str) -> Iterator[tuple[str, str | bytes]]:
    """The verbatim texts, the JSON export and the Atom feed."""
    for record in site.kb.versions():
        key = f"{record.document}@{record.version}"
        entry = site.kb.version(key)
        for name in ["text.txt", *(a.file for a in record.also)]:
            path = entry.text_path(None if name == "text.txt" else name)
            if path.exists():  # read without following links, within the size limit
                yield (
                    paths.version_text(key, name),
                    entry.read_bytes(None if name == "text.txt" else name),
                )
    export = build_export(site.kb)
    yield "export/tos-kb.json", to_json(export)
    yield ask_data.INDEX_PATH, to_json(ask_data.ask_index(export))
    for subject_id in export["compiled"]["subjects"]:
        yield ask_data.slice_path(subject_id), to_json(ask_data.ask_slice(export, subject_id))
    yield feed.FEED_PATH, feed.build(site, site_url)


def generate(
    kb: KnowledgeBase, *, directory_urls: bool = True, site_url: str = "", edit_links: bool = True
) -> Generated:
    """Generate every page and file of the site from a knowledge base."""
    site = Site(kb, directory_urls=directory_urls, edit_links=edit_links)
    out = Generated(site)
    for source in page_sources(site):
        out.pages[source.src] = source
    for path, content in static_files(site, site_url):
        out.files[path] = content
    return out


def expand_nav(nav: list[Any], kb: KnowledgeBase) -> list[Any]:
    """The configured nav with the providers and subjects sections filled in.

    Documents, versions and changes are reached from those pages and from the
    section indexes (listing them all in the nav would repeat ~100 links on every
    page). Titles are escaped: the theme inserts nav titles into HTML as they are.
    """
    children = {
        "providers/index.md": [
            {esc(kb.archive.providers[p].name): paths.provider(p)}
            for p in sorted(kb.archive.providers)
        ],
        "subjects/index.md": [{esc(s.name): paths.subject(s.id)} for s in kb.subjects()],
    }
    out: list[Any] = []
    for item in nav:
        if isinstance(item, dict) and len(item) == 1:
            ((title, target),) = item.items()
            if isinstance(target, str) and target in children:
                out.append({title: [target, *children[target]]})
                continue
        out.append(item)
    return out


def run_mkdocs(
    config: Path, dest: Path, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    """``mkdocs build --strict --quiet`` of ``config`` into ``dest`` (tests and benchmarks)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "-f",
            str(config),
            "-d",
            str(dest),
        ],
        cwd=config.parent,
        env={**(env if env is not None else os.environ), "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
