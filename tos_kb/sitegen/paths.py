"""Where each generated page lives, and relative links between pages.

Why our own links: generated HTML is spliced in after Markdown, so mkdocs
does not rewrite its links; every href is computed here from two page
sources, the same way mkdocs maps a source to a URL.
"""

from __future__ import annotations

import posixpath


def provider(provider_id: str) -> str:
    """Source path of a provider's page."""
    return f"providers/{provider_id}.md"


def subject(subject_id: str) -> str:
    """Source path of a subject's page."""
    return f"subjects/{subject_id}.md"


def document(document_id: str) -> str:
    """Source path of a document's page."""
    return f"documents/{document_id}/index.md"


def version(key: str) -> str:
    """Source path of a version's page (``provider/document@version``)."""
    doc, ver = key.split("@", 1)
    return f"documents/{doc}/{ver}.md"


def version_text(key: str, name: str = "text.txt") -> str:
    """Source path of a version's verbatim text, published as a plain-text file.

    A text kept as ``.md`` (an Open Terms Archive capture) is published with ``.txt``
    added, so the site serves it as it is instead of rendering it as a page.
    """
    doc, ver = key.split("@", 1)
    published = f"{name}.txt" if name.endswith(".md") else name
    return f"documents/{doc}/{ver}/{published}"


def change(old: str, new: str) -> str:
    """Source path of the page of a change between two versions."""
    old_doc = old.split("@", 1)[0]
    new_doc, new_ver = new.split("@", 1)
    if old_doc == new_doc:
        return f"changes/{new_doc}/{new_ver}.md"
    return f"changes/succession/{new_doc}.md"


def url(src: str, directory_urls: bool = True) -> str:
    """The URL (relative to the site root) mkdocs gives a source file."""
    if not src.endswith(".md"):
        return src
    stem = src[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        base = stem[: -len("index")]
        return base if directory_urls else base + "index.html"
    return stem + "/" if directory_urls else stem + ".html"


def rel(from_src: str, to_src: str, directory_urls: bool = True, anchor: str = "") -> str:
    """A relative href from one page (or file) to another, with an optional anchor."""
    here = url(from_src, directory_urls)
    there = url(to_src, directory_urls)
    here_dir = here if here.endswith("/") or here == "" else posixpath.dirname(here) + "/"
    if here_dir == "/":
        here_dir = ""
    target = posixpath.relpath(there or ".", here_dir or ".")
    if (there.endswith("/") or there == "") and not target.endswith("/"):
        target += "/"
    return target + (f"#{anchor}" if anchor else "")
