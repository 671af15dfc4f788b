"""The pipeline-lineage page: the manifest format, and each example with its pinned report.

Why generated: the field tables come from the manifest models (as the JSON
Schema does) and the examples and reports from ``examples/``, where a test
pins each report, so the page cannot drift from what ``check-pipeline`` says.
Everything shown is escaped.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel

from tos_kb.lineage import manifest as m

from .markup import PageSource, code, esc, table

SRC = "pipelines.md"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MODELS: list[tuple[str, type[BaseModel]]] = [
    ("The manifest", m.Pipeline),
    ("use", m.Use),
    ("A dataset (kind: dataset)", m.Dataset),
    ("A generated source (kind: generated)", m.Generated),
    ("A human-written source (kind: human)", m.Human),
    ("A licensed source (kind: licensed)", m.Licensed),
    ("A mixed-in dataset (kind: dataset, inside sources)", m.Mixed),
    ("A model (kind: model)", m.Model),
    ("base", m.Base),
    ("A date range", m.Span),
]
INTRO = (
    "A pipeline manifest lists the artefacts of a training pipeline (datasets and their "
    "sources, models and their base weights) and the intended use of the model it ships. "
    "tos-kb check-pipeline FILE judges every step with the terms in force on its own date "
    "(the generation date for data, the training date for models), gives the facts of the "
    "final use to every upstream question they bear on, and reports the most restrictive "
    "verdict, the duties to fulfil, the facts still missing and an explanation from the "
    "shipped model down to each source. Each step is also asked under the terms in force on "
    "the assessment day, and flagged where the answer differs. Editors validate manifests "
    "with schema/pipeline.schema.json."
)


def _pre(text: str) -> str:
    return f'<pre class="tk-pre"><code>{esc(text)}</code></pre>'


def page() -> PageSource:
    """The page."""
    out = PageSource(SRC, "Pipeline lineage")
    out.html(f"<p>{esc(INTRO)}</p>")
    out.heading(2, "The manifest format", "format")
    for title, model in MODELS:
        out.heading(3, title)
        rows = []
        for name, field in model.model_fields.items():
            rows.append(
                [
                    code(field.alias or name),
                    "yes" if field.is_required() else "",
                    esc(" ".join((field.description or "").split())),
                ]
            )
        out.html(table(["field", "required", "meaning"], rows))
    out.heading(2, "Examples", "examples")
    for manifest in sorted(EXAMPLES.glob("*.yaml")):
        report = manifest.with_suffix(".report.md")
        out.heading(3, manifest.stem)
        out.html(f"<p>{code(f'examples/{manifest.name}')}</p>" + _pre(manifest.read_text("utf-8")))
        if report.exists():
            out.html(
                f"<p>Its report ({code(f'examples/{report.name}')}):</p>"
                + _pre(report.read_text("utf-8"))
            )
    return out
