"""Stage 2, answering: the compiled index and the one procedure that answers a question.

``index`` compiles an ``Archive`` into what questions need (names, each document's
timeline from :mod:`tos_kb.records.timeline`, each version's rules per action); ``names`` checks names and fact values;
``evaluate`` says what one version says of an action; ``decide`` combines the
governing documents, settles conditional answers and builds the cases; ``decision``
is the answer and its one renderer.
"""
