"""Change events on the shipped archive: one per change, in plain words, agreeing with ``ask``."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

from click.testing import CliRunner

import tos_kb
from tos_kb.cli import main
from tos_kb.diff.rules import Direction

KB = tos_kb.load()
ALL = KB.changes(include_reworded=True)


def subject_witnesses() -> list[tuple]:
    """(event, action change, witness) for every witness of a subject event."""
    return [(e, c, w) for e in ALL if e.subject is not None for c in e.actions for w in c.witnesses]


def test_every_subject_witness_is_what_ask_answers() -> None:
    """ask(D-1, **facts) and ask(D, **facts) give exactly the witness's two answers."""
    found = subject_witnesses()
    assert len(found) >= 20
    for e, c, w in found:
        before = KB.ask(e.subject, c.action, on=e.on - timedelta(days=1), **w.facts)
        after = KB.ask(e.subject, c.action, on=e.on, **w.facts)
        assert (before.verdict.value, tuple(before.obligations)) == (
            w.old.verdict,
            w.old.obligations,
        ), (e.on, e.subject, c.action, w.facts)
        assert (after.verdict.value, tuple(after.obligations)) == (
            w.new.verdict,
            w.new.obligations,
        ), (e.on, e.subject, c.action, w.facts)


def test_chatgpt_eea_terms_are_not_a_change_ask_denies() -> None:
    """2024-02-15: both regional terms forbid competing models, so nothing moved for ChatGPT."""
    events = KB.changes(subject="chatgpt", since="2024-02-15", until="2024-02-15")
    assert not [e for e in events if e.subject == "chatgpt"]
    for day in ("2024-02-14", "2024-02-15"):
        assert KB.ask("chatgpt", "train-on-outputs", on=day, competing=True).verdict == "prohibited"


def test_no_witness_has_identical_answers() -> None:
    """A witness shows a change: another verdict, or the same verdict with other duties."""
    witnesses = [w for e in ALL for c in e.actions for w in c.witnesses]
    assert witnesses
    assert all(w.old != w.new for w in witnesses)


def test_one_event_per_day_and_subject_or_document() -> None:
    """Events, not rows: at most one per (day, subject) and per (day, document)."""
    keys = Counter((e.on, e.subject, e.document) for e in ALL)
    assert max(keys.values()) == 1
    assert all((e.subject is None) != (e.document is None) for e in ALL)


def test_rewordings_are_left_out_unless_asked_for() -> None:
    """By default no action change is a mere rewording; with include_reworded they appear."""
    shown = KB.changes()
    assert all(c.direction != Direction.REWORDED for e in shown for c in e.actions)
    reworded = [c for e in ALL for c in e.actions if c.direction == Direction.REWORDED]
    assert reworded and len(ALL) > len(shown)


def test_event_dict_shape() -> None:
    """to_dict() holds on, subject, document, direction, summary and per-action witnesses."""
    for e in ALL:
        data = json.loads(json.dumps(e.to_dict()))
        assert {"on", "subject", "document", "direction", "summary", "actions"} <= set(data)
        for action in data["actions"]:
            assert {"action", "direction", "summary", "witnesses"} <= set(action)
            for w in action["witnesses"]:
                assert {"verdict", "obligations"} <= set(w["before"]) & set(w["after"])
                assert isinstance(w["facts"], dict)


def test_document_events_say_they_are_about_the_document_alone() -> None:
    """Version and succession events compare one text's rules on their own, and say so."""
    for e in ALL:
        if e.document is not None:
            assert e.scope == "document alone", e
            assert "on its own" in e.summary or "on their own" in e.summary, e.summary
        else:
            assert e.scope == "subject"


def test_openai_2023_tightening_in_plain_words() -> None:
    """The competing-model clause: the conditions before and after, with the new clause."""
    found = KB.changes(document="openai/terms-of-use", since="2023-03-14", until="2023-03-14")
    [event] = [e for e in found if e.document == "openai/terms-of-use"]
    train = next(c for c in event.actions if c.action == "train-on-outputs")
    assert train.summary == (
        "Train on outputs tightened on 2023-03-14: until 2023-03-13 prohibited if the model "
        "competes with OpenAI and the model is a foundation or other large-scale model; from "
        "2023-03-14 prohibited if the model competes with OpenAI (§2(c)(iii))."
    )
    assert event.summary.startswith("OpenAI Terms of Use (openai/terms-of-use) as of 2023-03-14")


def test_duty_changes_are_named() -> None:
    """Same verdict, other duties: the witness names the duty added or removed."""
    duty_only = [
        (c, w)
        for e in ALL
        for c in e.actions
        for w in c.witnesses
        if w.old.verdict == w.new.verdict
    ]
    assert duty_only
    for c, w in duty_only:
        assert w.duties_added or w.duties_removed
        named = ("now also: " + w.duties_added[0]) if w.duties_added else w.duties_removed[0]
        assert named in c.summary and named in w.describe()


def test_summaries_are_one_sentence_with_readable_numbers() -> None:
    """Every summary is one line ending in a full stop; no 700_000_000 or raw operators."""
    for e in ALL:
        for text in [e.summary, *(c.summary for c in e.actions)]:
            assert text.endswith(".") and "\\n" not in text
            assert "_000" not in text and "≤" not in text and "not (" not in text


def test_cli_changes_text_and_reworded_flag() -> None:
    """`tos-kb changes` prints summaries; --include-reworded adds the rewordings."""
    runner = CliRunner()
    plain = runner.invoke(main, ["changes", "--subject", "llama-3.1"])
    assert plain.exit_code == 0, plain.output
    assert "loosened" in plain.output and "event(s)" in plain.output
    every = runner.invoke(main, ["changes", "--include-reworded", "--format", "json"])
    data = json.loads(every.output)
    assert len(data) == len(ALL)
