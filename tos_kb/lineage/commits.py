"""One question's answer across the git commits that changed ``terms/``.

Why: when a lawyer corrects a record, answers move; a team that relied on an
answer wants to see when and by which commit. Each commit's ``terms/`` is
loaded the way ``load(rev=...)`` loads it (:func:`tos_kb.store.gitrev.write_tree`),
strictly, and asked the same question.

Why it stays fast over hundreds of commits: only commits that touch
``terms/`` are read; a commit whose ``terms/`` tree is the same as the last
one read (a merge, a revert pair) is skipped; one folder is kept and only the
files that differ between consecutive trees are rewritten; nothing goes to
the compiled cache.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from tos_kb.answer.decide import same_answer
from tos_kb.answer.decision import Decision
from tos_kb.answer.index import UnknownNameError
from tos_kb.loading import at_commit, load
from tos_kb.records.facts import FactValueError
from tos_kb.records.problems import KnowledgeBaseError
from tos_kb.store import gitrev


@dataclass(frozen=True)
class CommitAnswer:
    """The answer as recorded at one commit (or why there is none), where it changed."""

    commit: str
    when: datetime
    message: str
    decision: Decision | None
    error: str | None = None

    @property
    def verdict(self) -> str:
        """The verdict, or ``error`` when the archive at that commit gave no answer."""
        return self.decision.verdict.value if self.decision is not None else "error"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data."""
        return {
            "commit": self.commit,
            "date": self.when.isoformat(),
            "message": self.message,
            "verdict": self.verdict,
            "error": self.error,
            "decision": self.decision.to_dict() if self.decision is not None else None,
        }


def answer_across_commits(
    subject: str,
    action: str,
    on: date | str,
    facts: Mapping[str, Any] | None = None,
    *,
    repo: str | Path | None = None,
    rev: str = "HEAD",
) -> list[CommitAnswer]:
    """The commits at which the answer to (subject, action, on, facts) changed, oldest first.

    The first commit that has an answer (or an error) is listed, then each commit
    whose answer differs from the one before: verdict, duties, open facts or clauses.
    """
    rows: list[CommitAnswer] = []
    folder = gitrev.scratch_folder()
    try:
        previous_tree = None
        for commit in gitrev.terms_commits(repo, rev):
            if commit.tree is None:
                continue
            if previous_tree is not None and commit.tree.hexsha == previous_tree.hexsha:
                continue
            gitrev.write_tree(commit.tree, folder, previous_tree)
            previous_tree = commit.tree
            row = _answer(commit, folder, subject, action, on, dict(facts or {}))
            if not rows or not _same(rows[-1], row):
                rows.append(row)
    finally:
        gitrev.remove_scratch(folder)
    return rows


def _answer(
    commit: gitrev.TermsCommit,
    folder: Path,
    subject: str,
    action: str,
    on: date | str,
    facts: dict[str, Any],
) -> CommitAnswer:
    try:
        kb = at_commit(load(folder, cache_compiled=False), commit.sha)
        decision = kb.ask(subject, action, on=on, **facts)
    except KnowledgeBaseError as exc:
        error = f"the archive at this commit has {len(exc.problems)} problem(s)"
        return CommitAnswer(commit.sha, commit.when, commit.message, None, error)
    except (UnknownNameError, FactValueError) as exc:
        return CommitAnswer(
            commit.sha, commit.when, commit.message, None, str(exc).split(" Valid ")[0]
        )
    return CommitAnswer(commit.sha, commit.when, commit.message, decision)


def _same(a: CommitAnswer, b: CommitAnswer) -> bool:
    if a.decision is None or b.decision is None:
        return a.decision is None and b.decision is None and a.error == b.error
    return same_answer(a.decision, b.decision)
