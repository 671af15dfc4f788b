"""``tos-kb review``: the report a reviewer reads on a contribution's pull request.

Why: a lawyer's pull request adds or corrects a few versions. The reviewer
needs, in one page: the problems in the files the change touches (and only
those, as SPDX does), and for each version added or changed, what it does to
the answers — tightened, loosened, reworded — with witnesses, so that a
verdict flip never slips through unseen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import git

from tos_kb.answer.index import Index
from tos_kb.contribute.history import NOT_VERSIONED, Rewrite, check_base, rewrites
from tos_kb.contribute.history import changes as history_changes
from tos_kb.diff.changes import rule_changes
from tos_kb.diff.rules import ActionChange, Direction
from tos_kb.kb import KnowledgeBase
from tos_kb.loading import load
from tos_kb.records.loader import load_archive
from tos_kb.records.problems import Problem
from tos_kb.records.validate import check_structure, check_texts

COMMENT_MARKER = "<!-- tos-kb-review: this comment is updated on every push -->"


@dataclass
class VersionReview:
    """What one added or changed version does."""

    key: str
    status: str  # added | changed
    compared_with: str | None
    changes: list[ActionChange] = field(default_factory=list)
    text_edited: bool = False
    text_summary: str | None = None
    dates: list[str] = field(default_factory=list)


@dataclass
class Review:
    """Everything the report says."""

    base: str
    changed_files: list[str]
    problems: list[Problem]
    other_problems: int
    versions: list[VersionReview]
    subjects: list[str]
    rewrites: list[Rewrite] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """No history rewritten, no problem in the files the change touches."""
        return (
            not self.rewrites
            and not self.problems
            and not any(v.text_edited for v in self.versions)
        )


def _folder_of(folder: Path, terms: Path) -> str:
    return folder.resolve().relative_to(terms.resolve()).as_posix()


def _version_folders_at(repo: git.Repo, base: str, relative: str) -> set[str]:
    """The version folders (provider/document/version) that existed at ``base``."""
    names = repo.git.ls_tree("-r", "--name-only", base, "--", relative).splitlines()
    prefix = relative.rstrip("/") + "/"
    folders = set()
    for name in names:
        parts = name[len(prefix) :].split("/")
        if len(parts) == 4 and parts[3] == "record.yaml" and parts[0] not in NOT_VERSIONED:
            folders.add("/".join(parts[:3]))
    return folders


def _version_keys(paths: list[str]) -> set[str]:
    keys = set()
    for path in paths:
        parts = path.split("/")
        if len(parts) >= 4 and parts[0] not in ("vocabulary", "subjects"):
            keys.add(f"{parts[0]}/{parts[1]}@{parts[2]}")
    return keys


def build(terms: Path, base: str) -> Review:
    """Compare ``terms`` in the working tree with ``terms`` at git revision ``base``."""
    try:
        repo = git.Repo(terms, search_parent_directories=True)
    except (git.exc.GitError, git.exc.ODBError, ValueError) as exc:
        raise ValueError(f"{terms} is not inside a git repository: {exc}") from None
    notes = check_base(repo, base)
    top = Path(repo.working_tree_dir or ".").resolve()
    relative = terms.resolve().relative_to(top).as_posix()
    found = history_changes(repo, base, relative)
    paths = sorted({c.path for c in found} | {c.old_path for c in found if c.old_path})
    archive = load_archive(terms)
    check_structure(archive)
    check_texts(archive)
    declared = {
        _folder_of(entry.folder, terms): {name for name, _, _ in entry.record.texts()}
        for entries in archive.versions.values()
        for entry in entries
    }
    existed = _version_folders_at(repo, base, relative)
    touched_folders = {"/".join(p.split("/")[:3]) for p in paths}
    touched = {f"{terms.name}/{p}" for p in paths}
    mine = [
        p
        for p in archive.problems
        if any(p.file.endswith(t) for t in touched)
        or any(f"{terms.name}/{f}/" in p.file for f in touched_folders)
    ]
    review = Review(
        base,
        paths,
        mine,
        len(archive.problems) - len(mine),
        [],
        sorted(
            p.removesuffix(".yaml").split("/", 1)[1] for p in paths if p.startswith("subjects/")
        ),
        rewrites(found, declared, existed),
        notes,
    )
    if archive.problems:
        return review  # answers from a broken archive would mislead the reviewer
    new_kb = KnowledgeBase(terms, Index(archive), archive)
    old_kb = load(Path(repo.working_tree_dir or "."), rev=base, strict=False)
    for key in sorted(_version_keys(paths)):
        if key not in new_kb.index.versions:
            continue
        if key in old_kb.index.versions:
            old_sha = old_kb.version(key).record.sha256
            item = VersionReview(
                key,
                "changed",
                f"{key} at {base}",
                rule_changes(old_kb.index, key, key, new_index=new_kb.index),
                text_edited=old_sha != new_kb.version(key).record.sha256,
                dates=_date_changes(old_kb, new_kb, key),
            )
        else:
            document = key.split("@", 1)[0]
            keys = [p.key for p in new_kb.timeline(document).placed]
            previous = keys[keys.index(key) - 1] if key in keys and keys.index(key) > 0 else None
            item = VersionReview(key, "added", previous)
            if previous:
                diff = new_kb.diff(previous, key)
                item.changes = diff.rules
                if diff.text is not None:
                    stats = diff.text.stats
                    item.text_summary = (
                        f"{stats.hunks} changed passages "
                        f"(+{stats.chars_inserted} / -{stats.chars_deleted} "
                        "characters)"
                    )
        review.versions.append(item)
    return review


DATE_FIELDS = ("effective", "published", "in_force_on", "withdrawn", "coverage")


def _date_changes(old_kb: KnowledgeBase, new_kb: KnowledgeBase, key: str) -> list[str]:
    """Changes to when a version governs (or how much of it is archived): they move answers
    over whole date ranges, which a rule comparison alone would not show."""
    before = old_kb.version(key).record
    after = new_kb.version(key).record
    out = []
    for name in DATE_FIELDS:
        old_value, new_value = getattr(before, name), getattr(after, name)
        if old_value != new_value:
            out.append(f"{name}: {_plain(old_value)} → {_plain(new_value)}")
    old_span = old_kb.timeline(key.split("@", 1)[0]).placed
    new_span = new_kb.timeline(key.split("@", 1)[0]).placed
    old_interval = next((str(p.interval) for p in old_span if p.key == key), "not placed")
    new_interval = next((str(p.interval) for p in new_span if p.key == key), "not placed")
    if old_interval != new_interval:
        out.append(f"governs {old_interval} → {new_interval}")
    return out


def _plain(value: object) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return "none" if value is None else str(value)


def to_markdown(review: Review) -> str:
    """The report as Markdown, ready to post on a pull request."""
    out = [f"# Review of changes to terms/ since `{review.base}`", ""]
    verdict = "✅ ready for legal review" if review.ok else "❌ needs fixes"
    out += [f"**{verdict}** — {len(review.changed_files)} file(s) changed.", ""]
    out += [f"> Note: {note}" for note in review.notes]
    if review.notes:
        out.append("")
    if review.rewrites:
        out += ["## History rewritten: not allowed", ""]
        out += [f"- {r.describe()}" for r in review.rewrites]
        out.append("")
    if review.problems:
        out += ["## Problems in the changed files", ""]
        out += [
            f"- `{p.location()}`: {p.message}"
            + (f" [{p.field}]" if p.field else "")
            + (f" — {p.hint}" if p.hint else "")
            for p in review.problems
        ]
        out.append("")
    if review.other_problems:
        out += [
            f"{review.other_problems} other problem(s) exist in files this change does "
            "not touch; run `tos-kb validate`.",
            "",
        ]
    for item in review.versions:
        title = "Added" if item.status == "added" else "Changed"
        out += [f"## {title}: `{item.key}`", ""]
        if item.text_edited:
            out += [
                "**The archived text was edited in place.** Texts are never edited after "
                "archiving: add a new version, or a corrected one with a note.",
                "",
            ]
        if item.compared_with:
            out.append(f"Compared with `{item.compared_with}`.")
        for line in item.dates:
            out.append(f"- **dates changed:** {line}")
        if item.text_summary:
            out.append(f"Text: {item.text_summary}.")
        moved = [c for c in item.changes if c.direction != Direction.UNCHANGED]
        if not item.compared_with:
            out.append("First version of its document: nothing to compare with.")
        elif not moved and not item.dates:
            out.append("No answer changes.")
        elif not moved:
            out.append("No rule changes; the date changes above move answers over whole ranges.")
        else:
            out += ["", "| action | change | witness |", "|---|---|---|"]
            for c in moved:
                witness = "; ".join(w.describe() for w in (c.tighter, c.looser) if w) or (
                    "duties: " + ", ".join(c.obligations_added + c.obligations_removed)
                    if c.obligations_added or c.obligations_removed
                    else "wording only"
                )
                out.append(f"| {c.action} | {c.direction.value} | {witness.replace('|', '/')} |")
        out.append("")
    if review.subjects:
        out += ["## Subjects changed", ""]
        out += [f"- `{s}`: check the governing ranges and their evidence" for s in review.subjects]
    return "\n".join(out).rstrip() + "\n"
