"""``check_pipeline``: read a manifest, check it, judge every step, and report.

Why one entry point: the command line, the site and scripts must give the
same report for the same manifest and archive.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tos_kb.lineage import manifest as m
from tos_kb.lineage.evaluate import Evaluator
from tos_kb.lineage.graph import check_graph, references
from tos_kb.lineage.read import Manifest, ManifestError, check_names, read_manifest
from tos_kb.lineage.report import PipelineReport

if TYPE_CHECKING:
    from tos_kb.kb import KnowledgeBase


def check_pipeline(
    manifest: str | Path | Manifest,
    kb: KnowledgeBase | None = None,
    *,
    rev: str | None = None,
    repo: str | Path | None = None,
    assessed_on: date | None = None,
) -> PipelineReport:
    """Judge a training pipeline against the terms in force on each step's date.

    ``manifest`` is a path, YAML text, or a parsed :class:`Manifest`. The archive is
    ``kb``, or ``terms/`` at git revision ``rev`` (of ``repo``, default this checkout),
    or the shipped one. ``assessed_on`` (default: the manifest's, else today) is the day
    whose terms each step is compared with. Raises :class:`ManifestError` listing every
    problem of an invalid manifest.
    """
    from tos_kb.loading import load

    if kb is not None and rev is not None:
        raise ValueError("give either a loaded knowledge base or a revision, not both")
    parsed = manifest if isinstance(manifest, Manifest) else read_manifest(manifest)
    if kb is None:
        kb = load(repo, rev=rev) if rev is not None else load()
    release = kb.release
    archive = f"data release {release.id}" + (f", terms/ at git revision {rev}" if rev else "")
    problems = check_graph(parsed) + check_names(parsed, kb)
    if problems:
        raise ManifestError(problems)
    pipeline = parsed.pipeline
    day = assessed_on or pipeline.assessed_on or date.today()
    evaluator = Evaluator(kb, pipeline, day)
    tree = evaluator.model(pipeline.ships)
    reached = _nodes(pipeline, pipeline.ships)
    return PipelineReport(
        pipeline=pipeline.pipeline,
        title=pipeline.title,
        manifest=parsed.file,
        archive=archive,
        assessed_on=day,
        ships=pipeline.ships,
        use=dict(pipeline.use.facts),
        competes_with=pipeline.use.competes_with,
        tree=tree,
        unused=[a.id for a in pipeline.artefacts if a.id not in reached],
    )


def _nodes(pipeline: m.Pipeline, start: str) -> set[str]:
    """Every artefact ``start`` is made from, itself included."""
    edges: dict[str, list[str]] = {}
    for ref in references(pipeline):
        edges.setdefault(ref.source, []).append(ref.target)
    seen: set[str] = set()
    stack = [start]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack += edges.get(node, [])
    return seen
