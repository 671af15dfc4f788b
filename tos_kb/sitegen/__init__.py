"""The published site's generated pages: plain Python writing Markdown and HTML from the KB.

Why plain Python in a hook rather than plugins: pages are a function of the
knowledge base, so one small module per page family (providers, subjects,
documents, versions, changes, the log and its feed, coverage) turns the
loaded archive into page sources at build time; nothing generated is
committed. ``hook.py`` is the mkdocs side: it loads the archive (from
``TOS_KB_TERMS`` when set), adds the pages as virtual files and splices the
heavy HTML in after Markdown has run, so archived text never passes through
the Markdown parser.

Safety: every archived text, quote, title and URL is escaped with
``markup.esc``; only http(s) URLs become links (``markup.safe_url``).
"""
