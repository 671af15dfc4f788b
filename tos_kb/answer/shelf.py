"""The compiled index kept one document per shard, unpacked on first use.

Why: at archive scale (hundreds of thousands of versions) reading the whole
compiled index back from the cache takes seconds and holds every version in
memory, though a question reads one or two documents. Pickled, the index
keeps each document's compiled versions, timeline and coverage as one
compressed shard (bytes, cheap to read back); a document is unpacked the
first time a question, a diff or a page needs it. Iterating over all
versions or timelines unpacks everything, as it must.
"""

from __future__ import annotations

import pickle
import zlib
from collections.abc import ItemsView, Iterator, KeysView, ValuesView
from typing import Any, TypeVar

V = TypeVar("V")

PARTS = ("versions", "timelines", "coverage")


class Lazy(dict[str, V]):
    """A dict of one part of the index whose documents are unpacked from the shelf on demand.

    Keys are version keys (``provider/document@version``) or document ids; a key
    missing from what is unpacked so far opens its document's shard first.
    """

    def __init__(self, shelf: Shelf, part: str):
        super().__init__()
        self.shelf = shelf
        self.part = part

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as "that part of the shelf": its contents travel in the shelf's shards.
        return (part_of, (self.shelf, self.part))

    def __missing__(self, key: str) -> V:
        if isinstance(key, str) and self.shelf.open(key.split("@", 1)[0]):
            return self[key]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        if dict.__contains__(self, key):
            return True
        return (
            isinstance(key, str)
            and self.shelf.open(key.split("@", 1)[0])
            and (dict.__contains__(self, key))
        )

    def __iter__(self) -> Iterator[str]:
        self.shelf.open_all()
        return super().__iter__()

    def __len__(self) -> int:
        self.shelf.open_all()
        return super().__len__()

    def keys(self) -> KeysView[str]:  # type: ignore[override]
        self.shelf.open_all()
        return super().keys()

    def values(self) -> ValuesView[V]:  # type: ignore[override]
        self.shelf.open_all()
        return super().values()

    def items(self) -> ItemsView[str, V]:  # type: ignore[override]
        self.shelf.open_all()
        return super().items()


def _shard(parts: tuple[dict[str, Any], Any, dict[str, str]]) -> bytes:
    """One document's compiled versions, timeline and coverage, pickled and compressed."""
    return zlib.compress(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), 1)


def part_of(shelf: Shelf, part: str) -> Lazy[Any]:
    """One part of a shelf (how a :class:`Lazy` is unpickled; nothing else can be reached)."""
    if not isinstance(shelf, Shelf) or part not in PARTS:
        raise pickle.UnpicklingError(f"{part!r} is not a part of a shelf")
    found: Lazy[Any] = getattr(shelf, part)
    return found


class Shelf:
    """The per-document parts of the index: unpacked dicts, and shards not yet opened."""

    def __init__(self) -> None:
        self.packed: dict[str, bytes] = {}
        self.versions: Lazy[Any] = Lazy(self, "versions")
        self.timelines: Lazy[Any] = Lazy(self, "timelines")
        self.coverage: Lazy[str] = Lazy(self, "coverage")

    def open(self, document: str) -> bool:
        """Unpack ``document``'s shard if it is still packed; whether it was."""
        blob = self.packed.pop(document, None)
        if blob is None:
            return False
        from tos_kb.store.safepickle import restricted_loads  # shards build data, never call code

        versions, timeline, coverage = restricted_loads(zlib.decompress(blob))
        dict.update(self.versions, versions)
        dict.__setitem__(self.timelines, document, timeline)
        dict.update(self.coverage, coverage)
        return True

    def pack(self, document: str) -> None:
        """Shelve a compiled document now, as pickling would.

        Why: a first compile at archive scale packs each document as soon as it is
        compiled, so memory holds bytes, not every compiled version (and each call
        looks only at what is still unpacked: the one document).
        """
        mine = [key for key in dict.keys(self.versions) if key.split("@", 1)[0] == document]
        versions = {key: dict.pop(self.versions, key) for key in mine}
        coverage = {
            key: dict.pop(self.coverage, key)
            for key in [k for k in dict.keys(self.coverage) if k.split("@", 1)[0] == document]
        }
        timeline = dict.pop(self.timelines, document)
        self.packed[document] = _shard((versions, timeline, coverage))

    def open_all(self) -> None:
        for document in list(self.packed):
            self.open(document)

    def __getstate__(self) -> dict[str, Any]:
        shards = dict(self.packed)
        by_document: dict[str, tuple[dict[str, Any], Any, dict[str, str]]] = {}
        for document, timeline in dict.items(self.timelines):
            by_document[document] = ({}, timeline, {})
        for key, version in dict.items(self.versions):
            by_document[key.split("@", 1)[0]][0][key] = version
        for key, coverage in dict.items(self.coverage):
            by_document[key.split("@", 1)[0]][2][key] = coverage
        for document, shard in by_document.items():
            shards[document] = _shard(shard)
        return {"packed": shards}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        self.packed = state["packed"]
