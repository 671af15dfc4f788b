"""Lineage: a training pipeline checked against the terms in force on each step's date.

Stages, in order: :mod:`~tos_kb.lineage.manifest` (the format),
:mod:`~tos_kb.lineage.read` (safe YAML, names), :mod:`~tos_kb.lineage.graph`
(references, cycles, dates), :mod:`~tos_kb.lineage.evaluate` (the questions),
:mod:`~tos_kb.lineage.report` and :mod:`~tos_kb.lineage.render` (the answer),
and :mod:`~tos_kb.lineage.commits` (one question's answer across git commits).
"""

from __future__ import annotations

from tos_kb.lineage.check import check_pipeline
from tos_kb.lineage.read import Manifest, ManifestError, read_manifest
from tos_kb.lineage.report import PipelineReport

__all__ = ["Manifest", "ManifestError", "PipelineReport", "check_pipeline", "read_manifest"]
