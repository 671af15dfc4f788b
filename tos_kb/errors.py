"""The project's own exceptions: every error tos-kb raises on purpose is a :class:`TosKbError`.

Why a hierarchy: a caller (a script, a server, the command line) can catch
``TosKbError`` and know the message is meant for a person, while a bare
``TypeError`` or ``KeyError`` would mean a bug. Every class is also a
``ValueError``, as the errors of earlier releases were, so existing
``except ValueError`` code keeps working.

- :class:`InputError`: an argument of the wrong form (a date that is not
  ``YYYY-MM-DD``, a subject given as a list); :class:`UnknownNameError` and
  :class:`FactValueError` are kinds of it;
- :class:`~tos_kb.records.problems.KnowledgeBaseError`: the archive has
  problems (it carries them all);
- :class:`ArchiveFileError`: a file in ``terms/`` that is not a regular file
  within the size limit (a link, a device, a FIFO, a huge file);
- :class:`RevisionError`: a git revision that does not name a readable ``terms/``.
"""

from __future__ import annotations


class TosKbError(ValueError):
    """Base of every error tos-kb raises for a person to read."""


class InputError(TosKbError):
    """An argument of the wrong form: a malformed date, a name that is not text."""


class UnknownNameError(InputError):
    """A subject, action, fact or version name the knowledge base does not know."""


class FactValueError(InputError):
    """A fact given with a value of the wrong type or out of range."""


class ArchiveFileError(TosKbError):
    """A file in ``terms/`` that is not a regular file, or is larger than the limit."""


class RevisionError(TosKbError):
    """A git revision that cannot be read as ``terms/`` at a commit."""
