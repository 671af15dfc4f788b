"""Unpickling that builds only the classes of a compiled index and its change events.

Why a module of its own: the cache (``store.cache``) and the index's lazily
unpacked shards (``answer.shelf``) both read pickles, and neither may import
the other. Pickle is kept because it is fast; this allowlist is the second
wall behind the cache's owner and mode checks (see ``store.cache``).
"""

from __future__ import annotations

import io
import pickle
from typing import Any

# What a compiled index and its change events (store.events) are made of: the only
# classes the unpickler will build. Each is plain data (dataclasses, enums, dates).
ALLOWED = frozenset(
    {
        ("datetime", "date"),
        ("tos_kb.answer.decision", "Citation"),
        ("tos_kb.answer.evaluate", "CompiledPrecondition"),
        ("tos_kb.answer.evaluate", "CompiledRule"),
        ("tos_kb.answer.evaluate", "Outcome"),
        ("tos_kb.answer.index", "CompiledGovernance"),
        ("tos_kb.answer.index", "CompiledVersion"),
        ("tos_kb.answer.index", "Index"),
        ("tos_kb.answer.shelf", "Shelf"),
        ("tos_kb.answer.shelf", "part_of"),
        ("tos_kb.diff.changes", "ChangeEvent"),
        ("tos_kb.diff.rules", "ActionChange"),
        ("tos_kb.diff.rules", "Answer"),
        ("tos_kb.diff.rules", "Direction"),
        ("tos_kb.diff.rules", "Witness"),
        ("tos_kb.records.conditions", "All"),
        ("tos_kb.records.conditions", "Any_"),
        ("tos_kb.records.conditions", "Not"),
        ("tos_kb.records.conditions", "Test"),
        ("tos_kb.records.dates", "Interval"),
        ("tos_kb.records.timeline", "DocumentTimeline"),
        ("tos_kb.records.timeline", "Placed"),
        ("tos_kb.records.timeline", "Start"),
        ("tos_kb.records.vocab", "FactSpec"),
        ("tos_kb.records.vocab", "FactType"),
        ("tos_kb.records.vocab", "RuleVerdict"),
        ("tos_kb.records.vocab", "Verdict"),
        ("tos_kb.records.wording", "FactWording"),
        ("tos_kb.records.wording", "Wording"),
    }
)


class _Unpickler(pickle.Unpickler):
    """An unpickler that builds only the classes of :data:`ALLOWED`, never calls a function."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not part of a compiled index")
        return super().find_class(module, name)


def restricted_loads(data: bytes) -> Any:
    """Unpickle ``data`` building only the classes of :data:`ALLOWED` (the shelf's shards too)."""
    return _Unpickler(io.BytesIO(data)).load()
