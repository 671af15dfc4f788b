"""Stage 2, answering: the compiled index and the one procedure that answers a question.

``index`` compiles an ``Archive`` into what questions need: names and fact
checks, each document's timeline (placed by :mod:`tos_kb.records.timeline`),
each version's rules per action with parents resolved. ``evaluate`` says what
one version says of an action; ``decide`` combines the governing documents,
settles conditional answers and builds the cases; ``factspace`` picks the fact
values worth trying; ``decision`` is the answer and its one renderer.
"""
