"""Stage 3, comparing versions: text, rules (by answers, with witnesses) and quotes.

``sections`` splits a legal text into numbered clauses; ``text`` diffs two texts
clause by clause and ``render`` prints that diff; ``rules`` compares two rule sets
by the answers they give; ``quotes`` tracks where each quote went; ``changes`` builds
the timeline of change events across the archive.
"""
