"""Build hook: put the archive, its compiled index, change events and data release in the package.

Why a build hook rather than committed package data: ``terms/`` stays the one
source in the repository, and every wheel carries exactly the archive it was
built from. The sdist carries ``terms/`` and the release it was cut from
(``RELEASE.json``), so a wheel built from the sdist is the same.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

HERE = Path(__file__).resolve().parent
SDIST_RELEASE = HERE / "RELEASE.json"


def _tos_kb():  # type: ignore[no-untyped-def]
    """The package from this source tree (the build environment has its dependencies)."""
    sys.path.insert(0, str(HERE))
    import tos_kb.diff.changes
    import tos_kb.loading
    import tos_kb.store.events
    import tos_kb.store.release

    return tos_kb


def _release(index):  # type: ignore[no-untyped-def]
    """The data release: the one an sdist was cut from, else from this repository's git."""
    release = _tos_kb().store.release
    if SDIST_RELEASE.is_file():
        return release.Release(**json.loads(SDIST_RELEASE.read_text(encoding="utf-8")))
    newest = index.newest_change()
    return release.of_folder(HERE / "terms", newest.isoformat() if newest else None)


class BuildWithArchive(build_py):
    """build_py, then ``tos_kb/_archive/``: terms/, index.pickle, changes.pickle, release.json."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the clone's terms/ directly
        tos_kb = _tos_kb()
        target = Path(self.build_lib) / "tos_kb" / "_archive"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(HERE / "terms", target / "terms", symlinks=False)
        kb = tos_kb.loading.load(target / "terms")  # strict: a broken archive fails the build
        tos_kb.loading.write_packaged_index(target, kb.index)
        changes = tos_kb.diff.changes.all_changes(kb.index, kb.archive)
        tos_kb.store.events.write_packaged(target, kb.index, changes)
        tos_kb.store.release.write(target, _release(kb.index))


class SdistWithRelease(sdist):
    """sdist that records the data release it was cut from (``RELEASE.json``)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        found = _release(_tos_kb().loading.load(HERE / "terms").index)
        path = Path(base_dir) / "RELEASE.json"
        path.write_text(json.dumps(found.to_dict(), indent=2) + "\n", encoding="utf-8")


setup(cmdclass={"build_py": BuildWithArchive, "sdist": SdistWithRelease})
