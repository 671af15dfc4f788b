"""The machine-readable export: the whole knowledge base as one JSON document.

Why: the published site answers questions in the browser (the Ask page), and
other tools want the archive without Python. The export carries everything the
reader needs — vocabularies, subjects, documents and each version's record as
written — and, under ``compiled``, the compiled index the browser engine
evaluates (:mod:`tos_kb.sitegen.compiled`: rules per action with parents
resolved, citations, descriptions, timelines, caveats and fact spaces, all
built by Python), plus the change log. It carries no texts (they stay in
``terms/``) and no build time, so the same archive always gives the same bytes.

Format: ``{"format": "tos-kb-export", "format_version": 2, ...}``; the keys
are listed in :data:`TOP_LEVEL_KEYS` and documented on the site's export page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tos_kb.kb import KnowledgeBase
from tos_kb.sitegen.compiled import build_compiled
from tos_kb.sitegen.versions import find_rule

FORMAT = "tos-kb-export"
FORMAT_VERSION = 3

TOP_LEVEL_KEYS: dict[str, str] = {
    "format": "always 'tos-kb-export'",
    "format_version": "3; raised when a key changes meaning or disappears",
    "archive": "counts, and the latest 'retrieved' day in the archive (its as-of day)",
    "actions": "the action vocabulary, by id, in order (label, definition, parent, core)",
    "facts": "the fact vocabulary, by id (type, values for enums, meaning)",
    "document_kinds": "the document kinds, by id (label, governs)",
    "providers": "the providers, by id",
    "names": "every name a question may use for a subject (ids, aliases, provider ids) -> id",
    "subjects": "the subjects, by id, each with governed_by: documents over date ranges",
    "documents": "the documents, by id, as written",
    "versions": "every version record, by provider/document@version, as written except "
    "its rules and preconditions (they are under compiled.versions)",
    "compiled": "what the Ask page's engine evaluates, built by Python: every name in "
    "normal form (lower case, no spaces, '-' or '_') -> subject id, per subject its "
    "governing ranges and fact spaces, per document its timeline, per version its rules "
    "and preconditions with citations, and which of them each action reads",
    "changes": "every change event, oldest first: one per day and subject or document, each "
    "with a summary and its actions' changes, witnesses and summaries, rewordings included "
    "(as kb.changes(include_reworded=True) gives them)",
}


def _dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)


def subject_names(kb: KnowledgeBase) -> dict[str, str]:
    """Every name that resolves to a subject (ids, aliases, provider ids), resolved."""
    candidates: list[str] = []
    for subject in kb.subjects():
        candidates += [subject.id, *subject.aliases]
    candidates += sorted(kb.archive.providers)
    names: dict[str, str] = {}
    for name in candidates:
        if name in names:
            continue
        try:
            names[name] = kb.resolve_subject(name)
        except ValueError:
            continue  # a provider without a main subject
    return names


def _record(record: Any) -> dict[str, Any]:
    """A version record as written, without the rules and preconditions (compiled instead)."""
    return {k: v for k, v in _dump(record).items() if k not in ("rules", "preconditions")}


def build_export(kb: KnowledgeBase, *, with_changes: bool = True) -> dict[str, Any]:
    """The export as a JSON-ready dict (see :data:`TOP_LEVEL_KEYS`)."""
    records = kb.versions()
    retrieved = max((r.retrieved for r in records), default=None)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "archive": {
            "providers": len(kb.archive.providers),
            "documents": len(kb.documents),
            "versions": len(records),
            "subjects": len(kb.archive.subjects),
            "as_of": retrieved.isoformat() if retrieved else None,
            "release": kb.release.id,
        },
        "actions": {k: _dump(v) for k, v in kb.archive.actions.items()},
        "facts": {k: _dump(v) for k, v in kb.archive.facts.items()},
        "document_kinds": {k: _dump(v) for k, v in kb.archive.kinds.items()},
        "providers": {k: _dump(kb.archive.providers[k]) for k in sorted(kb.archive.providers)},
        "names": subject_names(kb),
        "subjects": {s.id: _dump(s) for s in kb.subjects()},
        "documents": {d: _dump(kb.documents[d]) for d in sorted(kb.documents)},
        "versions": {f"{r.document}@{r.version}": _record(r) for r in records},
        "compiled": build_compiled(
            kb.index, lambda key, citation: find_rule(kb.version(key), citation)
        ),
        "changes": (
            [e.to_dict() for e in kb.changes(include_reworded=True)] if with_changes else []
        ),
    }


def to_json(data: dict[str, Any]) -> str:
    """Compact, deterministic JSON text (UTF-8 characters kept as they are)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def write_export(kb: KnowledgeBase, path: str | Path) -> Path:
    """Write the export to ``path`` (parents created) and return the path."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(to_json(build_export(kb)), encoding="utf-8")
    return target
