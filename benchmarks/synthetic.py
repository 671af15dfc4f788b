"""A synthetic archive on disk, deterministic from its size and seed, for the scale figures.

Why on disk: ``load()``, ``tos-kb validate`` and the compiled cache are measured the
way people run them, on a folder of records. Each synthetic version is a copy of one
real record (``openai/terms-of-use@2023-03-14``) under a new document and date; its
text is a hard link to the real text, so the quotes and hashes stay true and 200,000
versions take about 1 GB of records and almost no extra text (a file system limits the
links to one file, ext4 to 65,000: past that, a copy beside the archive takes the next
links). Documents hold 20 versions
each (200,000 versions over 10,000 documents); each document governs one subject.
"""

from __future__ import annotations

import errno
import os
import random
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TERMS = REPO / "terms"
TEMPLATE = TERMS / "openai" / "terms-of-use" / "2023-03-14"
PER_DOCUMENT = 20
PROVIDER = "synthetic"
FIRST_DAY = date(2000, 1, 1)


def _record_template() -> str:
    text = (TEMPLATE / "record.yaml").read_text(encoding="utf-8")
    text = re.sub(r"^document: .*$", "document: {document}", text, count=1, flags=re.M)
    text = re.sub(r"^version: .*$", "version: '{version}'", text, count=1, flags=re.M)
    text = re.sub(r"^effective: .*$", "effective: '{version}'", text, count=1, flags=re.M)
    text = re.sub(r"^published: .*$", "published: '{version}'", text, count=1, flags=re.M)
    text = re.sub(r"^retrieved: .*$", "retrieved: '2026-11-28'", text, count=1, flags=re.M)
    # The template's own errata and in-force dates name the real document: drop them.
    return (
        text.replace("{", "{{")
        .replace("}", "}}")
        .replace("{{document}}", "{document}")
        .replace("{{version}}", "{version}")
    )


def version_days(seed: int, document: int) -> list[date]:
    """The effective days of one document's versions: increasing, 20-200 days apart."""
    rng = random.Random(seed * 1_000_003 + document)
    day = FIRST_DAY + timedelta(days=rng.randrange(365))
    days = []
    for _ in range(PER_DOCUMENT):
        days.append(day)
        day += timedelta(days=rng.randrange(20, 200))
    return days


class _Linker:
    """Hard links to the template's text, from a fresh copy when a file has all it may."""

    def __init__(self, copies: Path):
        self.source = TEMPLATE / "text.txt"
        self.copies = copies
        self.made = 0

    def link(self, to: Path) -> None:
        try:
            os.link(self.source, to)
        except OSError as exc:
            if exc.errno != errno.EMLINK:
                raise
            self.copies.mkdir(parents=True, exist_ok=True)
            self.made += 1
            self.source = self.copies / f"text-{self.made}.txt"
            shutil.copyfile(TEMPLATE / "text.txt", self.source)
            os.link(self.source, to)


def write(dest: Path, versions: int, seed: int = 1) -> Path:
    """Write an archive of ``versions`` versions under ``dest`` (replaced); return its root."""
    copies = dest.parent / f".{dest.name}-texts"  # outside the archive: not read as records
    for old in (dest, copies):
        if old.exists():
            shutil.rmtree(old)
    linker = _Linker(copies)
    shutil.copytree(TERMS / "vocabulary", dest / "vocabulary")
    provider = dest / PROVIDER
    provider.mkdir(parents=True)
    (provider / "provider.yaml").write_text(
        f"id: {PROVIDER}\nname: Synthetic\nwebsite: https://example.org\n", encoding="utf-8"
    )
    subjects = dest / "subjects"
    subjects.mkdir()
    record = _record_template()
    for d in range(max(1, versions // PER_DOCUMENT)):
        doc_id = f"{PROVIDER}/doc-{d}"
        folder = provider / f"doc-{d}"
        folder.mkdir()
        (folder / "document.yaml").write_text(
            f"id: {doc_id}\ntitle: Synthetic document {d}\nkind: terms-of-service\n"
            "canonical_url: https://example.org/terms\n",
            encoding="utf-8",
        )
        days = version_days(seed, d)
        for day in days:
            version = folder / day.isoformat()
            version.mkdir()
            (version / "record.yaml").write_text(
                record.format(document=doc_id, version=day.isoformat()), encoding="utf-8"
            )
            linker.link(version / "text.txt")
        (subjects / f"subject-{d}.yaml").write_text(
            f"id: subject-{d}\nname: Subject {d}\nkind: service\nprovider: {PROVIDER}\n"
            f"governed_by:\n  - document: {doc_id}\n    role: terms\n"
            f"    from: {days[0].isoformat()}\n    basis: synthetic\n",
            encoding="utf-8",
        )
    return dest
