"""Reading a manifest: safe YAML, the format, and the archive's names, all problems at once.

Why not raise on the first problem: a team fixing a manifest wants every
mistake listed, each with file, line and field, what was found and what is
allowed, as a lawyer fixing a record does (:mod:`tos_kb.records.problems`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ValidationError

from tos_kb.errors import TosKbError
from tos_kb.lineage import manifest as m
from tos_kb.records.facts import FactValueError, check_value
from tos_kb.records.loader import validation_problems
from tos_kb.records.problems import Problem, did_you_mean
from tos_kb.records.yamlsafe import Located, YamlError, parse_yaml

if TYPE_CHECKING:
    from tos_kb.kb import KnowledgeBase

Loc = tuple[str | int, ...]
MANIFEST_FIELDS = sorted(
    {
        info.alias or name
        for model in vars(m).values()
        if isinstance(model, type) and issubclass(model, BaseModel)
        for name, info in model.model_fields.items()
    }
)


class ManifestError(TosKbError):
    """A manifest that cannot be checked; carries every problem found in it."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(p.render() for p in problems)
        super().__init__(f"{len(problems)} problem(s) in the pipeline manifest:\n{shown}")


@dataclass
class Manifest:
    """A parsed manifest, with where it came from and where each value stood."""

    pipeline: m.Pipeline
    file: str
    located: Located

    def problem(self, loc: Loc, message: str, **extra: Any) -> Problem:
        """A problem at the value ``loc`` of this manifest."""
        line, column = self.located.position(loc)
        return Problem(
            file=self.file,
            message=message,
            line=line,
            column=column,
            field=_dotted(loc) or None,
            **extra,
        )


def read_manifest(source: str | Path, file: str | None = None) -> Manifest:
    """Parse a manifest from a path, or from YAML text (several lines) that ``file`` names.

    Raises :class:`ManifestError` with every problem found.
    """
    if isinstance(source, str) and "\n" not in source:
        source = Path(source)
    if isinstance(source, Path):
        name = file or str(source)
        try:
            text = source.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            message = exc.strerror if isinstance(exc, OSError) else "the file is not UTF-8 text"
            raise ManifestError([Problem(file=name, message=f"cannot read: {message}")]) from None
    else:
        name, text = file or "<manifest>", source
    try:
        located = parse_yaml(text)
    except YamlError as exc:
        raise ManifestError(
            [Problem(name, exc.message, exc.line, exc.column, code="yaml")]
        ) from None
    if not isinstance(located.data, dict):
        raise ManifestError(
            [Problem(name, "expected a mapping of fields (pipeline:, ships:, use:, artefacts:)")]
        )
    try:
        pipeline = m.Pipeline.model_validate(located.data)
    except ValidationError as exc:
        raise ManifestError(
            validation_problems(name, located, exc, fields=MANIFEST_FIELDS)
        ) from None
    return Manifest(pipeline, name, located)


def check_names(manifest: Manifest, kb: KnowledgeBase) -> list[Problem]:
    """Subjects, facts, fact values and providers the archive does not know."""
    problems: list[Problem] = []
    pipeline = manifest.pipeline
    for i, artefact in enumerate(pipeline.artefacts):
        named: list[tuple[Loc, str]] = []
        loc: Loc
        if isinstance(artefact, m.Model) and artefact.base and artefact.base.subject is not None:
            named.append((("artefacts", i, "base", "subject"), artefact.base.subject))
        if isinstance(artefact, m.Dataset):
            for j, source in enumerate(artefact.sources):
                if isinstance(source, m.Generated) and source.subject is not None:
                    named.append((("artefacts", i, "sources", j, "subject"), source.subject))
        for loc, name in named:
            if name not in kb.index.names:
                problems.append(
                    manifest.problem(
                        loc,
                        f"unknown subject '{name}'",
                        allowed="a subject id or alias of the archive (tos-kb subjects)",
                        hint=did_you_mean(name, kb.index.names)
                        or "leave the subject out if the archive does not cover it: "
                        "the answer is then unknown",
                        code="vocabulary",
                    )
                )
    specs = kb.index.fact_specs
    for name, value in pipeline.use.facts.items():
        loc = ("use", "facts", name)
        if name == "student":
            problems.append(
                manifest.problem(
                    loc,
                    "'student' is not a fact of the use",
                    hint="each step's student is the model it feeds; remove it",
                    code="vocabulary",
                )
            )
        elif name not in specs:
            problems.append(
                manifest.problem(
                    loc,
                    f"unknown fact '{name}'",
                    allowed=", ".join(sorted(specs)),
                    hint=did_you_mean(name, specs),
                    code="vocabulary",
                )
            )
        else:
            try:
                check_value(name, specs[name], value)
            except FactValueError as exc:
                problems.append(manifest.problem(loc, str(exc), code="vocabulary"))
    if pipeline.use.competes_with is not None:
        if "competing" in pipeline.use.facts:
            problems.append(
                manifest.problem(
                    ("use", "competes_with"),
                    "give either the fact 'competing' or 'competes_with', not both",
                )
            )
        providers = kb.archive.providers
        for k, provider in enumerate(pipeline.use.competes_with):
            if provider not in providers:
                problems.append(
                    manifest.problem(
                        ("use", "competes_with", k),
                        f"unknown provider '{provider}'",
                        allowed=", ".join(sorted(providers)),
                        hint=did_you_mean(provider, providers),
                        code="vocabulary",
                    )
                )
    return problems


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
