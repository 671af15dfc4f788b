"""What the Ask page loads: a small index, then one slice per subject asked about.

Why slices: the whole export is over a megabyte, most of it versions of
documents that do not govern the subject asked about. The page first loads
the index (vocabularies, names, which facts matter for each subject and
action), then only the compiled rules of the chosen subject's documents.
Both are cut from :func:`tos_kb.sitegen.export.build_export`'s data, so the
browser evaluates exactly what Python compiled; a test checks that answers
from the slices equal answers from the whole export.
"""

from __future__ import annotations

from typing import Any

from tos_kb.answer.decision import UNKNOWN_REASONS

INDEX_PATH = "export/ask/index.json"


def slice_path(subject_id: str) -> str:
    """Where a subject's slice is published (relative to the site root)."""
    return f"export/ask/subjects/{subject_id}.json"


def relevant_facts(compiled_subject: dict[str, Any]) -> dict[str, list[str]]:
    """For each action, the facts whose value can change an answer, in the order they appear."""
    spaces = compiled_subject["fact_spaces"]["spaces"]
    found: dict[str, list[str]] = {}
    for _, by_action in compiled_subject["fact_spaces"]["steps"]:
        for action, index in by_action.items():
            names = found.setdefault(action, [])
            for name in spaces[index]:
                if name not in names:
                    names.append(name)
    return found


def ask_index(export: dict[str, Any]) -> dict[str, Any]:
    """The data every question needs, without any subject's rules."""
    compiled = export["compiled"]
    return {
        "format": export["format"],
        "format_version": export["format_version"],
        "archive": export["archive"],
        "actions": export["actions"],
        "facts": export["facts"],
        "names": export["names"],
        "subjects": {
            sid: {"id": s["id"], "name": s["name"], "kind": s["kind"]}
            for sid, s in export["subjects"].items()
        },
        "relevant_facts": {
            sid: relevant_facts(subject) for sid, subject in compiled["subjects"].items()
        },
        "slices": {sid: slice_path(sid) for sid in compiled["subjects"]},
        "unknown_reasons": UNKNOWN_REASONS,
        "compiled": {
            "facts": compiled["facts"],
            "see_words": compiled["see_words"],
            "names": compiled["names"],
            "subjects": {},
            "documents": {},
            "versions": {},
        },
    }


def ask_slice(export: dict[str, Any], subject_id: str) -> dict[str, Any]:
    """The compiled rules one subject's questions read: its documents and their versions."""
    compiled = export["compiled"]
    subject = compiled["subjects"][subject_id]
    documents = sorted({gov["document"] for gov in subject["governance"]})
    return {
        "subject": subject_id,
        "subjects": {subject_id: subject},
        "documents": {d: compiled["documents"][d] for d in documents},
        "versions": {
            key: version
            for key, version in compiled["versions"].items()
            if key.split("@", 1)[0] in documents
        },
    }
