"""Append-only history: what a change to ``terms/`` may not do to what is archived.

Why: the archive's value is that a past answer can be reproduced. An archived
verbatim text is never edited, deleted, renamed or re-moded, and a version or
document is never removed: a correction is an erratum (a new file declared in
the record), a newer text is a new version. Records (the interpretation) may
change; the review shows every answer they move.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

import git

from tos_kb.errors import TosKbError

RECORD = "record.yaml"
DOCUMENT = "document.yaml"
PROVIDER = "provider.yaml"
NOT_VERSIONED = ("vocabulary", "subjects")


@dataclass(frozen=True)
class Rewrite:
    """One change that rewrites history, in words a lawyer reads."""

    path: str  # relative to terms/
    what: str
    fix: str

    def describe(self) -> str:
        """One line: the file, what happened, what to do instead."""
        return f"terms/{self.path}: {self.what}. {self.fix}"


@dataclass(frozen=True)
class Change:
    """One file's change between the base and the working tree (git's --raw status)."""

    status: str  # A, M, D, R, T
    path: str
    old_path: str | None = None
    mode_changed: bool = False


class BaseError(TosKbError):
    """A base revision the review cannot compare with, said plainly."""


def check_base(repo: git.Repo, base: str) -> list[str]:
    """Refuse bases that cannot be compared with; return notes for a dirty working tree."""
    shallow = repo.git.rev_parse("--is-shallow-repository").strip() == "true"
    try:
        repo.commit(base)
    except (git.exc.GitError, git.exc.ODBError, ValueError) as exc:
        hint = (
            " This clone is shallow: fetch the full history (git fetch --unshallow, or "
            "fetch-depth: 0 in actions/checkout)."
            if shallow
            else ""
        )
        raise BaseError(
            f"cannot compare with git revision {base!r}: it is not in this clone.{hint}"
        ) from exc
    try:
        repo.git.merge_base("--is-ancestor", base, "HEAD")
    except git.exc.GitCommandError:
        raise BaseError(
            f"{base!r} is not an ancestor of HEAD, so the comparison would show changes made "
            f"on {base!r} as if this branch undid them. Review against the merge base: "
            f"tos-kb review --base $(git merge-base {base} HEAD)"
        ) from None
    notes = []
    if shallow:
        notes.append("this clone is shallow; the base was found in it, so the review is complete")
    if repo.is_dirty(untracked_files=False, path="terms"):
        notes.append(
            "terms/ has uncommitted changes; they are included here, but a pull request "
            "contains only what is committed"
        )
    return notes


def changes(repo: git.Repo, base: str, terms_relative: str) -> list[Change]:
    """Every file under ``terms/`` changed since ``base`` (working tree, untracked included)."""
    raw = repo.git.diff("--raw", "-M", "--no-abbrev", base, "--", terms_relative)
    found: list[Change] = []
    for line in raw.splitlines():
        meta, _, paths = line.partition("\t")
        fields = meta.split()
        if len(fields) < 5:
            continue
        old_mode, new_mode, status = fields[0].lstrip(":"), fields[1], fields[4][0]
        names = paths.split("\t")
        strip = _stripper(terms_relative)
        if status == "R":
            found.append(Change("R", strip(names[1]), strip(names[0])))
        else:
            changed_mode = status in ("M", "T") and old_mode != new_mode
            found.append(Change(status, strip(names[0]), mode_changed=changed_mode))
    prefix = terms_relative.rstrip("/") + "/"
    found += [Change("A", n[len(prefix) :]) for n in repo.untracked_files if n.startswith(prefix)]
    return found


def _stripper(terms_relative: str):  # type: ignore[no-untyped-def]
    prefix = terms_relative.rstrip("/") + "/"
    return lambda name: name[len(prefix) :] if name.startswith(prefix) else name


def rewrites(
    found: list[Change], declared: dict[str, set[str]], existed: set[str]
) -> list[Rewrite]:
    """The changes that rewrite history.

    ``declared`` maps a version folder (provider/document/version) to the text
    files its record declares now; ``existed`` lists the version folders at the
    base. A file added to an archived folder must be a declared erratum or text.
    """
    out: list[Rewrite] = []
    removed = {c.path for c in found if c.status == "D"}
    for change in found:
        out += _judge(change, declared, existed)
    for folder in sorted(existed):
        if f"{folder}/{RECORD}" in removed and folder not in declared:
            out.append(
                Rewrite(
                    folder + "/",
                    "an archived version was removed",
                    "Versions are never removed: past answers cite them. If it was "
                    "wrong, correct its record (dates, coverage, rules) instead.",
                )
            )
    return out


def _judge(change: Change, declared: dict[str, set[str]], existed: set[str]) -> list[Rewrite]:
    parts = PurePosixPath(change.path).parts
    if not parts or parts[0] in NOT_VERSIONED:
        return []
    name = parts[-1]
    if len(parts) == 3 and name == DOCUMENT and change.status in ("D", "R"):
        return [
            Rewrite(
                change.old_path or change.path,
                "a document was removed" if change.status == "D" else "a document was renamed",
                "Documents are never removed or renamed: add a new document that succeeds "
                "it (succeeds: in its document.yaml).",
            )
        ]
    if len(parts) < 4:
        return []
    folder = "/".join(parts[:3])
    if name == RECORD:
        if change.status == "R":
            return [
                Rewrite(
                    change.old_path or change.path,
                    f"an archived version was moved to {change.path}",
                    "Version folders are never renamed: a wrong date is corrected in the "
                    "record (effective, in_force_on) with its basis.",
                )
            ]
        return []
    return _judge_text(change, folder, name, declared, existed)


def _judge_text(
    change: Change, folder: str, name: str, declared: dict[str, set[str]], existed: set[str]
) -> list[Rewrite]:
    """A verbatim file of a version: added (declared) only; never edited, removed or moved."""
    erratum = (
        "Archived texts never change: past answers must stay reproducible. To correct a "
        "transcription error, add the corrected text as a new file and declare it under "
        "errata: in the record; for a newer text, add a new version folder."
    )
    if change.status == "M" and change.mode_changed:
        return [Rewrite(change.path, "an archived text's file mode was changed", erratum)]
    if change.status in ("M", "T"):
        return [Rewrite(change.path, "an archived text was edited", erratum)]
    if change.status == "D":
        return [Rewrite(change.path, "an archived text was deleted", erratum)]
    if change.status == "R":
        return [
            Rewrite(
                change.old_path or change.path,
                f"an archived text was renamed to {change.path}",
                erratum,
            )
        ]
    if change.status == "A" and folder in existed and name not in declared.get(folder, set()):
        return [
            Rewrite(
                change.path,
                "a file was added to an archived version without being declared",
                "Declare it in the record, under errata: (a correction) or also: (another "
                "copy of the same version), with its sha256.",
            )
        ]
    return []
