"""A pipeline report as text, Markdown or JSON: one outline, three renderings.

Why one outline: the text and Markdown reports must say the same things in
the same order (verdict, what decides it, duties, missing facts, what to
supply, changed terms, the explanation tree), so both are drawn from
:func:`outline`, a list of indented lines with a kind.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, Protocol

from tos_kb.answer.decision import SEE_KINDS, Decision
from tos_kb.lineage.steps import Judgement, Node, Step
from tos_kb.records.wording import show_value

if TYPE_CHECKING:
    from datetime import date

    from tos_kb.lineage.steps import Duty
    from tos_kb.records.vocab import Verdict


class PipelineReport(Protocol):
    """What rendering reads of a report (:class:`tos_kb.lineage.report.PipelineReport`).

    A protocol rather than an import: the report renders itself through this
    module, so this module must not import the report back.
    """

    pipeline: str
    title: str | None
    manifest: str
    archive: str
    assessed_on: date
    ships: str
    use: dict[str, Any]
    competes_with: list[str] | None
    tree: Node
    unused: list[str]

    @property
    def verdict(self) -> Verdict: ...
    @property
    def steps(self) -> list[Step]: ...
    @property
    def duties(self) -> list[Duty]: ...
    @property
    def missing_facts(self) -> dict[str, list[str]]: ...
    @property
    def to_supply(self) -> list[tuple[Step, str]]: ...
    @property
    def changes(self) -> list[tuple[Step, Judgement]]: ...
    def decided_by(self) -> list[list[Step | Node]]: ...


FORMATS = ("text", "markdown", "json")
Line = tuple[int, str, str]  # (depth, kind, text); kind: title | field | heading | item | quote


def render(report: PipelineReport, fmt: str = "text") -> str:
    """The report in one of :data:`FORMATS`."""
    if fmt == "json":
        return json.dumps(to_dict(report), indent=2, ensure_ascii=False) + "\n"
    if fmt == "markdown":
        return markdown(outline(report))
    if fmt == "text":
        return text(outline(report))
    raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _facts(facts: dict[str, Any]) -> str:
    return ", ".join(f"{k}={show_value(v)}" for k, v in facts.items()) or "no facts"


def _verdict(step: Step | Node) -> str:
    verdict = step.verdict
    return verdict.value.upper() if verdict is not None else "no terms apply"


def _path(path: list[Step | Node]) -> str:
    """``model → dataset → step: question: verdict under clauses`` (or what to supply)."""
    step = path[-1]
    assert isinstance(step, Step)
    chain = " → ".join(item.label for item in path)
    j = step.deciding
    if j is None:
        return f"{chain}: to supply {'; '.join(step.to_supply)}"
    sections = ", ".join(
        dict.fromkeys(
            f"{c.key}" + (f" §{c.section}" if c.section else "") for c in j.decision.citations
        )
    )
    return (
        f"{chain}: {j.question()}: {j.decision.verdict.value}"
        + (f" under {sections}" if sections else "")
        + (f" (arises only if {j.applies_if})" if j.applies_if else "")
    )


def outline(report: PipelineReport) -> list[Line]:
    """Every line of the report, in order."""
    lines: list[Line] = [(0, "title", f"Pipeline {report.pipeline}" + _title(report))]
    use = _facts(report.use)
    if report.competes_with is not None:
        use += "; competes with " + (", ".join(report.competes_with) or "no provider")
    lines += [
        (0, "field", f"Manifest: {report.manifest}"),
        (0, "field", f"Archive: {report.archive}"),
        (0, "field", f"Assessed on: {report.assessed_on.isoformat()}"),
        (0, "field", f"Ships: {report.ships}"),
        (0, "field", f"Use: {use}"),
        (0, "verdict", f"Verdict: {report.verdict.value.upper()}"),
    ]
    paths = report.decided_by()
    if paths:
        lines.append((0, "heading", "Decided by (each alone gives the verdict)"))
    for path in paths:
        lines.append((1, "item", _path(path)))
    duties = report.duties
    lines.append((0, "heading", "Duties to fulfil"))
    if not duties:
        lines.append((1, "item", "none"))
    for duty in duties:
        prefix = f"if {duty.applies_if}: " if duty.applies_if else ""
        lines.append((1, "item", f"{duty.subject}: {prefix}{duty.text}"))
        lines.append((2, "note", "from " + "; ".join(duty.questions)))
    lines.append((0, "heading", "Facts still missing"))
    missing = report.missing_facts
    if not missing:
        lines.append((1, "item", "none"))
    for name, questions in missing.items():
        lines.append((1, "item", f"{name}: would settle " + "; ".join(questions)))
    lines.append((0, "heading", "To supply in the manifest"))
    supply = report.to_supply
    if not supply:
        lines.append((1, "item", "nothing"))
    for step, item in supply:
        lines.append((1, "item", f"{step.artefact}, {step.label}: {item}"))
    lines.append(
        (
            0,
            "heading",
            f"Terms changed since (answers on {report.assessed_on}; flagged, not applied)",
        )
    )
    changes = report.changes
    if not changes:
        lines.append((1, "item", "none: every answer is the same under the terms in force then"))
    for _, j in changes:
        lines.append(
            (
                1,
                "item",
                f"{j.question()}: {j.decision.verdict.value} then, {j.today.verdict.value} "
                f"on {report.assessed_on} ({j.change})" + _cited(j.today, " under "),
            )
        )
    if report.unused:
        lines.append((0, "heading", "Not upstream of the shipped model (not judged)"))
        lines += [(1, "item", artefact) for artefact in report.unused]
    lines.append((0, "heading", "Explanation, from the shipped model to each source"))
    lines += _node(report.tree, 1, report, set())
    caveats = list(
        dict.fromkeys(c for s in report.steps for j in s.judgements for c in j.decision.caveats)
    )
    if caveats:
        lines.append((0, "heading", "Caveats of the archive"))
        lines += [(1, "item", caveat) for caveat in caveats]
    return lines


def _title(report: PipelineReport) -> str:
    return f": {report.title}" if report.title else ""


def _cited(d: Decision, prefix: str) -> str:
    keys = list(dict.fromkeys(c.key for c in d.citations))
    return f"{prefix}{', '.join(keys)}" if keys else ""


def _node(node: Node, depth: int, report: PipelineReport, seen: set[int]) -> list[Line]:
    if id(node) in seen:
        return [(depth, "item", f"{node.label}: {_verdict(node)} (explained above)")]
    seen.add(id(node))
    head = f"{node.label}: {_verdict(node)}"
    deciding = node.deciding
    if node.kind == "dataset" and deciding is not None and len(node.items) > 1:
        head += f" — worst source: {deciding.label}"
    lines: list[Line] = [(depth, "node", head)]
    for item in node.items:
        if isinstance(item, Node):
            lines += _node(item, depth + 1, report, seen)
        else:
            lines += _step(item, depth + 1, report)
    return lines


def _step(step: Step, depth: int, report: PipelineReport) -> list[Line]:
    head = f"{step.label}: {_verdict(step)}"
    if step.student:
        head += f" (student: {step.student})"
    lines: list[Line] = [(depth, "step", head)]
    if step.note:
        lines.append((depth + 1, "note", step.note))
    lines += [(depth + 1, "item", f"to supply: {item}") for item in step.to_supply]
    for j in step.judgements:
        lines += _judgement(j, depth + 1, report)
    return lines


def _judgement(j: Judgement, depth: int, report: PipelineReport) -> list[Line]:
    d = j.decision
    head = f"{j.question()} ({_facts(d.facts)}): {d.verdict.value}"
    if d.missing_facts:
        head += f" — turns on {', '.join(d.missing_facts)}"
    if j.applies_if:
        head += f" — arises only if {j.applies_if}"
    lines: list[Line] = [(depth, "item", head)]
    if d.verdict.value == "unknown":
        lines += [(depth + 1, "note", reason) for reason in d.reasons if "unknown" in reason]
    lines += [(depth + 1, "note", f"condition: {c}") for c in d.conditions]
    for branch in d.branches:
        extra = f" — {'; '.join(branch.obligations)}" if branch.obligations else ""
        lines.append((depth + 1, "note", f"if {branch.assumption}: {branch.verdict.value}{extra}"))
    for c in d.citations:
        section = f" §{c.section}" if c.section else ""
        if c.kind in SEE_KINDS:
            lines.append((depth + 1, "note", f"↳ {SEE_KINDS[c.kind]}{section}: {c.why}"))
            if c.quote:
                lines.append((depth + 2, "quote", f"“{c.quote}”"))
            continue
        lines.append((depth + 1, "note", f"[{c.verdict}] {c.key}{section}"))
        if c.quote:
            lines.append((depth + 2, "quote", f"“{c.quote}”"))
    if d.obligations:
        lines.append((depth + 1, "note", f"duties: {len(d.obligations)} (listed above)"))
    if j.change:
        lines.append(
            (
                depth + 1,
                "flag",
                f"on {report.assessed_on}: {j.today.verdict.value} ({j.change})"
                + _cited(j.today, " under "),
            )
        )
    return lines


def text(lines: list[Line]) -> str:
    """Plain text, indented two spaces a level."""
    out: list[str] = []
    for depth, kind, line in lines:
        if kind == "heading" or kind == "verdict":
            out += ["", line]
        else:
            bullet = "• " if kind in ("item", "step") and depth else ""
            out.append("  " * depth + bullet + line)
    return "\n".join(out) + "\n"


_MD = re.compile(r"([\\`*_\[\]<>#|])")


def _md(text: str) -> str:
    return _MD.sub(r"\\\1", text)


def markdown(lines: list[Line]) -> str:
    """Markdown: headings, then nested lists for the explanation."""
    out: list[str] = []
    for depth, kind, line in lines:
        if kind == "title":
            out += [f"# {_md(line)}", ""]
        elif kind == "field":
            out.append(f"- {_md(line)}")
        elif kind == "verdict":
            out += ["", f"**{_md(line)}**", ""]
        elif kind == "heading":
            out += ["", f"## {_md(line)}", ""]
        elif kind == "quote":
            out.append("  " * (depth - 1) + f"- *{_md(line)}*")
        elif kind in ("node", "step"):
            out.append("  " * (depth - 1) + f"- **{_md(line)}**")
        else:
            out.append("  " * max(depth - 1, 0) + f"- {_md(line)}")
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"


# --- JSON -------------------------------------------------------------------------------


def to_dict(report: PipelineReport) -> dict[str, Any]:
    """The report as JSON-ready data: every decision in full, as ``ask --json`` prints it."""
    return {
        "pipeline": report.pipeline,
        "title": report.title,
        "manifest": report.manifest,
        "archive": report.archive,
        "assessed_on": report.assessed_on.isoformat(),
        "ships": report.ships,
        "use": report.use,
        "competes_with": report.competes_with,
        "verdict": report.verdict.value,
        "decided_by": [[item.label for item in path] for path in report.decided_by()],
        "duties": [
            {
                "duty": d.text,
                "subject": d.subject,
                "questions": list(d.questions),
                "applies_if": d.applies_if,
            }
            for d in report.duties
        ],
        "missing_facts": report.missing_facts,
        "to_supply": [
            {"artefact": s.artefact, "step": s.label, "supply": item}
            for s, item in report.to_supply
        ],
        "changed_since": [
            {
                "step": s.label,
                "question": j.question(),
                "then": j.decision.verdict.value,
                "today": j.today.verdict.value,
                "change": j.change,
            }
            for s, j in report.changes
        ],
        "unused": report.unused,
        "tree": _node_dict(report.tree),
    }


def _node_dict(node: Node) -> dict[str, Any]:
    return {
        "artefact": node.artefact,
        "kind": node.kind,
        "label": node.label,
        "verdict": node.verdict.value if node.verdict else None,
        "items": [_node_dict(i) if isinstance(i, Node) else _step_dict(i) for i in node.items],
    }


def _step_dict(step: Step) -> dict[str, Any]:
    return {
        "step": step.kind,
        "artefact": step.artefact,
        "label": step.label,
        "subject": step.subject,
        "when": step.when,
        "feeds": step.feeds,
        "student": step.student,
        "verdict": step.verdict.value if step.verdict else None,
        "note": step.note,
        "to_supply": step.to_supply,
        "judgements": [
            {
                "question": j.question(),
                "until": j.until.isoformat(),
                "applies_if": j.applies_if,
                "counted": j.counted.value,
                "decision": j.decision.to_dict(),
                "today": j.today.to_dict(),
                "change": j.change,
            }
            for j in step.judgements
        ],
    }
