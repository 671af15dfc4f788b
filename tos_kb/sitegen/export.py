"""The machine-readable export: the whole knowledge base as one JSON document.

Why: the published site answers questions in the browser (the Ask page), and
other tools want the archive without Python. The export carries everything the
engine reads — vocabularies, subjects with their governance ranges, each
document's versions placed on the calendar, each version's record with its
rules and preconditions in their YAML form — plus the change log. It carries no
texts (they stay in ``terms/``) and no build time, so the same archive always
gives the same bytes.

Format: ``{"format": "tos-kb-export", "format_version": 1, ...}``; the keys
are listed in :data:`TOP_LEVEL_KEYS` and documented on the site's export page.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tos_kb.kb import KnowledgeBase

FORMAT = "tos-kb-export"
FORMAT_VERSION = 1

TOP_LEVEL_KEYS: dict[str, str] = {
    "format": "always 'tos-kb-export'",
    "format_version": "1; raised when a key changes meaning or disappears",
    "archive": "counts, and the latest 'retrieved' day in the archive (its as-of day)",
    "actions": "the action vocabulary, by id, in order (label, definition, parent, core)",
    "facts": "the fact vocabulary, by id (type, values for enums, meaning)",
    "document_kinds": "the document kinds, by id (label, governs)",
    "providers": "the providers, by id",
    "names": "every name a question may use for a subject (ids, aliases, provider ids) -> id",
    "subjects": "the subjects, by id, each with governed_by: documents over date ranges",
    "documents": "the documents, by id, each with its timeline (versions placed on the "
    "calendar: key, start, end, exact, caveat) and its undated versions",
    "versions": "every version record, by provider/document@version, with rules and "
    "preconditions in their YAML form (conditions as written)",
    "changes": "every tightening, loosening, mixed change and rewording, oldest first, "
    "with witnesses (as kb.changes() gives them)",
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


def _timeline(kb: KnowledgeBase, document: str) -> dict[str, Any]:
    timeline = kb.timeline(document)
    return {
        "timeline": [
            {
                "key": p.key,
                "start": p.interval.start.isoformat(),
                "end": p.interval.end.isoformat() if p.interval.end else None,
                "exact": p.start.exact,
                "caveat": p.start.caveat,
            }
            for p in timeline.placed
        ],
        "undated": list(timeline.undated),
        "horizon": (
            kb.index.horizon[document].isoformat() if document in kb.index.horizon else None
        ),
    }


def build_export(kb: KnowledgeBase, *, with_changes: bool = True) -> dict[str, Any]:
    """The export as a JSON-ready dict (see :data:`TOP_LEVEL_KEYS`)."""
    records = kb.versions()
    documents: dict[str, Any] = {}
    for doc_id in sorted(kb.documents):
        documents[doc_id] = {**_dump(kb.documents[doc_id]), **_timeline(kb, doc_id)}
    versions = {f"{r.document}@{r.version}": _dump(r) for r in records}
    retrieved = max((r.retrieved for r in records), default=None)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "archive": {
            "providers": len(kb.archive.providers),
            "documents": len(documents),
            "versions": len(versions),
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
        "documents": documents,
        "versions": versions,
        "changes": [e.to_dict() for e in kb.changes()] if with_changes else [],
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
