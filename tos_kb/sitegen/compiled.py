"""The compiled index as JSON: what the browser engine evaluates, built by Python.

Why: the Ask page answers in the browser (``site/assets/engine.js``). If it
received the records as written, it would have to compile them again (parent
actions, citations, descriptions of conditions, caveats, the values a missing
fact can take), and every such step written twice drifts. So the export
carries the compiled form that :class:`tos_kb.answer.index.Index` holds, with
every string Python would print already printed, and the JavaScript only
*evaluates*: three-valued conditions, one version's rules, the combination
across documents, and the settling of conditional answers into cases.

Everything is keyed by subject, document or version id, so that a part of the
archive (one subject, its documents, their versions) can be sliced out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

from tos_kb.answer.decision import NOT_ARCHIVED, SEE_KINDS, Citation
from tos_kb.answer.evaluate import CompiledPrecondition, CompiledRule
from tos_kb.answer.factspace import relevant_values
from tos_kb.answer.index import CompiledGovernance, CompiledVersion, Index
from tos_kb.records import conditions as cond
from tos_kb.records.facts import MAX_INTEGER, MAX_TEXT, wrong_type
from tos_kb.records.timeline import DocumentTimeline, Placed
from tos_kb.records.vocab import FactSpec, FactType
from tos_kb.records.wording import PLAIN


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def condition_tree(c: cond.Condition) -> dict[str, Any]:
    """A parsed condition as plain data: ``{fact, op, value}``, ``{all}``, ``{any}``, ``{not}``."""
    if isinstance(c, cond.Test):
        value = list(c.value) if isinstance(c.value, tuple) else c.value
        return {"fact": c.fact, "op": c.op, "value": value}
    if isinstance(c, cond.Not):
        return {"not": condition_tree(c.part)}
    key = "all" if isinstance(c, cond.All) else "any"
    return {key: [condition_tree(p) for p in c.parts]}


def condition(c: cond.Condition | None, text: str | None) -> dict[str, Any] | None:
    """A condition with what answers print of it: its tree, its words (as compiled), its facts."""
    if c is None:
        return None
    return {
        "tree": condition_tree(c),
        "text": text or PLAIN.condition(c),
        "facts": cond.facts_named(c),
    }


# --- facts -------------------------------------------------------------------------------


class _Found:
    """Stands for the offending value, so the message around it comes from ``wrong_type``."""

    MARK = "\x00"

    def __repr__(self) -> str:
        return self.MARK


def fact_spec(name: str, spec: FactSpec, index: Index | None = None) -> dict[str, Any]:
    """A fact's type, its values (enums), the largest size a value may have (integers: its
    absolute value; text: its length), the wrong-type message around the value found, and
    what written values read as (``Index.readings``: normal name -> [value, why or null])."""
    before, after = wrong_type(name, spec, _Found()).split(_Found.MARK)
    out: dict[str, Any] = {"type": spec.type.value, "wrong_type": [before, after]}
    if spec.values is not None:
        out["values"] = list(spec.values)
    if spec.type == FactType.INTEGER:
        out["max"] = MAX_INTEGER
    elif spec.type in (FactType.STRING, FactType.SUBJECT):
        out["max"] = MAX_TEXT
    readings = index.readings.get(name) if index is not None else None
    if readings:
        out["readings"] = {k: list(v) for k, v in readings.items()}
    return out


# --- versions ----------------------------------------------------------------------------


# Where a citation's quote stands on its version's page (``q-3``), for links; None: nowhere.
Anchor = Callable[[str, dict[str, Any]], str | None]


def _cited(key: str, citation: dict[str, Any], anchor: Anchor | None) -> dict[str, Any]:
    found = anchor(key, citation) if anchor else None
    return {"citation": citation, **({"anchor": found} if found else {})}


def _see(key: str, see: tuple[Citation, ...], anchor: Anchor | None) -> dict[str, Any]:
    """A rule's or precondition's further quotes, cited right after its own (when it has any)."""
    return {"see": [_cited(key, c.to_dict(), anchor) for c in see]} if see else {}


def _rule(key: str, rule: CompiledRule, anchor: Anchor | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "verdict": rule.verdict.value,
        **_cited(key, rule.citation.to_dict(), anchor),
        **_see(key, rule.see, anchor),
    }
    if rule.when is not None:
        out["when"] = condition(rule.when, rule.when_text)
    if rule.obligations:
        out["obligations"] = list(rule.obligations)
    if rule.condition:
        out["condition"] = rule.condition
    if rule.complete:
        out["complete"] = rule.complete
    # The rule's note is its citation's (Index._compile builds both from record.note).
    assert rule.note == rule.citation.note
    return out


def _precondition(key: str, pre: CompiledPrecondition, anchor: Anchor | None) -> dict[str, Any]:
    return {
        "unless": condition(pre.unless, pre.unless_text),
        **_cited(key, pre.citation.to_dict(), anchor),
        **_see(key, pre.see, anchor),
    }


def version(
    compiled: CompiledVersion, actions: list[str], coverage: str, anchor: Anchor | None = None
) -> dict[str, Any]:
    """One version: its rules and preconditions once each, and which of them each action reads.

    ``rules_of[a]`` lists the rules of ``a`` or of its nearest ancestor with rules,
    ``preconditions_of[a]`` the preconditions that cover ``a`` (indices into
    ``rules`` and ``preconditions``), exactly as :class:`CompiledVersion` selected
    them; an action with none is left out.
    """
    rules: dict[CompiledRule, int] = {}
    pres: dict[CompiledPrecondition, int] = {}
    rules_of: dict[str, list[int]] = {}
    preconditions_of: dict[str, list[int]] = {}
    for action in actions:
        if compiled.rules.get(action):
            rules_of[action] = [rules.setdefault(r, len(rules)) for r in compiled.rules[action]]
        if compiled.preconditions.get(action):
            preconditions_of[action] = [
                pres.setdefault(p, len(pres)) for p in compiled.preconditions[action]
            ]
    return {
        "coverage": coverage,
        "caveats": list(compiled.caveats),
        "rules": [_rule(compiled.key, r, anchor) for r in rules],
        "preconditions": [_precondition(compiled.key, p, anchor) for p in pres],
        "rules_of": rules_of,
        "preconditions_of": preconditions_of,
    }


# --- documents ---------------------------------------------------------------------------


def steps(days: list[date], value_on: Callable[[date], Any]) -> list[list[Any]]:
    """A value that changes only on some days, as ``[[from, value], ...]`` in order.

    The first ``from`` is null (the beginning of time, valued on ``date.min``);
    equal neighbours are merged. The engine takes the last step whose ``from``
    is on or before the day asked.
    """
    out: list[list[Any]] = []
    for day in sorted({date.min, *days}):
        value = value_on(day)
        if not out or out[-1][1] != value:
            out.append([None if day == date.min else day.isoformat(), value])
    return out


def _placed(index: Index, doc_id: str, p: Placed) -> dict[str, Any]:
    out: dict[str, Any] = {
        "key": p.key,
        "start": p.interval.start.isoformat(),
        "end": _day(p.interval.end),
    }
    if p.start.caveat:
        out["caveat"] = p.start.caveat
    reported = [start for start, _ in index.not_obtained.get(doc_id, [])]
    if reported:
        out["unarchived"] = steps(reported, lambda day: index.unarchived_since(doc_id, p, day))
    return out


def document(index: Index, doc_id: str, timeline: DocumentTimeline) -> dict[str, Any]:
    """A document's timeline (with what the archive reports but lacks) and its horizon."""
    only = timeline.at(date.min) if not timeline.placed else None
    seen = index.horizon.get(doc_id)
    return {
        "placed": [_placed(index, doc_id, p) for p in timeline.placed],
        "undated": list(timeline.undated),
        "undated_only": _placed(index, doc_id, only) if only is not None else None,
        "horizon": (
            {"day": seen.isoformat(), "caveat": index.beyond_horizon(doc_id, date.max)}
            if seen is not None
            else None
        ),
    }


# --- subjects ----------------------------------------------------------------------------


def _governance(gov: CompiledGovernance) -> dict[str, Any]:
    out: dict[str, Any] = {
        "document": gov.document,
        "role": gov.role,
        "start": gov.interval.start.isoformat(),
        "end": _day(gov.interval.end),
    }
    if gov.when is not None:
        out["when"] = condition(gov.when, gov.when_text)
    if gov.caveat:
        out["caveat"] = gov.caveat
    return out


def _space_days(index: Index, subject_id: str) -> list[date]:
    """Days on which the version in force of some governing document changes."""
    days: set[date] = set()
    for gov in index.governance[subject_id]:
        for p in gov.timeline.placed:
            days.add(p.interval.start)
            if p.interval.end is not None:
                days.add(p.interval.end)
    return sorted(days)


def _space(index: Index, subject_id: str, action: str, day: date) -> dict[str, Any]:
    """The cases of every fact the conditions on that day mention (``relevant_values``)."""
    mentioned = index.conditions_for(subject_id, action, day)
    names = list(dict.fromkeys(f for c in mentioned for f in cond.facts_named(c)))
    return {
        name: [list(pair) for pair in relevant_values(index.fact_specs[name], name, mentioned)]
        for name in names
    }


def fact_spaces(index: Index, subject_id: str) -> dict[str, Any]:
    """The values each missing fact is tried with, per action, as steps over the days.

    Which conditions bear on a question depends on the versions in force, so the
    values are computed from each day on which a governing document's version
    changes. ``spaces`` holds each distinct space once; ``steps`` gives, from each
    day, ``{action: space index}`` (an action without conditions is left out).
    """
    spaces: dict[str, int] = {}

    def on(day: date) -> dict[str, int]:
        chosen: dict[str, int] = {}
        for action in index.parents:
            space = _space(index, subject_id, action, day)
            if space:
                chosen[action] = spaces.setdefault(json.dumps(space), len(spaces))
        return chosen

    found = steps(_space_days(index, subject_id), on)
    return {"spaces": [json.loads(text) for text in spaces], "steps": found}


def subject(index: Index, subject_id: str) -> dict[str, Any]:
    """A subject's governing ranges in order and the fact space of its conditions."""
    return {
        "governance": [_governance(g) for g in index.governance[subject_id]],
        "fact_spaces": fact_spaces(index, subject_id),
    }


def build_compiled(index: Index, anchor: Anchor | None = None) -> dict[str, Any]:
    """The compiled index as JSON-ready data, keyed by id (see the module docstring)."""
    actions = list(index.parents)
    return {
        "facts": {name: fact_spec(name, spec, index) for name, spec in index.fact_specs.items()},
        "names": dict(sorted(index.normal_names.items())),
        "subjects": {s: subject(index, s) for s in index.subject_ids},
        "documents": {d: document(index, d, index.timelines[d]) for d in sorted(index.timelines)},
        "versions": {
            key: version(index.versions[key], actions, index.coverage[key], anchor)
            for key in sorted(index.versions)
        },
        "see_words": {"kinds": dict(SEE_KINDS), "not_archived": NOT_ARCHIVED},
    }
