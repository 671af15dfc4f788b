"""The archive is a tree of regular files: how ``terms/`` is walked and read.

Why: records arrive by pull request and the site publishes what the archive
holds. A symbolic link in ``terms/`` could make the site publish
``/etc/passwd`` or the build's environment (``/proc/self/environ``), a link
to ``/dev/zero`` would be read without end, and a FIFO would hang the
reader. So:

- every file is opened without following a link at any level below the
  archive's root (each folder on the way is opened with ``O_NOFOLLOW``), must
  be a regular file, and is read only up to :data:`MAX_FILE_BYTES`;
- :func:`scan` lists every entry of ``terms/`` that is not a folder or a
  regular file (links, FIFOs, devices, sockets), every file over the limit
  and every folder that cannot be read, so ``validate`` and ``load()``
  report them as problems;
- editor backups and lock files (:func:`ignored`: ``.#record.yaml``,
  ``record.yaml~``, ``.record.yaml.swp``, ``#record.yaml#``) are skipped,
  never reported: they are what people editing leave behind.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from tos_kb.errors import ArchiveFileError

MAX_FILE_BYTES = 4 * 1024 * 1024  # the largest archived text is under 50 KB
_IGNORED = re.compile(r"^(?:\.#.*|.*~|\..*\.sw[a-p]|#.*#|\.DS_Store)$", re.DOTALL)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_BY_FD = os.open in os.supports_dir_fd and bool(_NOFOLLOW)


def ignored(name: str) -> bool:
    """Whether ``name`` is an editor's backup or lock file, skipped wherever terms/ is read."""
    return bool(_IGNORED.match(name))


def kind(mode: int) -> str | None:
    """What a file of this mode is, in words, when it is not a folder or a regular file."""
    if stat.S_ISDIR(mode) or stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def not_regular(what: str) -> str:
    """The message for an entry that is not a regular file: the same words everywhere."""
    return f"{what}, not a regular file; terms/ holds regular files and folders only"


def too_large(size: int) -> str:
    """The message for a file over the limit."""
    return f"the file has {size} bytes; files in terms/ are limited to {MAX_FILE_BYTES} bytes"


def _open(path: Path, root: Path | None) -> int:
    """A descriptor of ``path``, following no link below ``root`` (nor ``path`` itself)."""
    flags = os.O_RDONLY | _NOFOLLOW | _NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        parts = path.relative_to(root).parts if root is not None and _BY_FD else ()
    except ValueError:
        parts = ()
    if not parts:
        if not _BY_FD and path.is_symlink():
            raise ArchiveFileError(not_regular("a symbolic link"))
        return os.open(path, flags)
    assert root is not None
    folder = os.open(root, os.O_RDONLY | _DIRECTORY)
    try:
        for part in parts[:-1]:
            inner = os.open(part, os.O_RDONLY | _DIRECTORY | _NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        return os.open(parts[-1], flags, dir_fd=folder)
    finally:
        os.close(folder)


def read_bytes(path: Path, root: Path | None = None) -> bytes:
    """The bytes of the regular file ``path`` (at most :data:`MAX_FILE_BYTES`).

    Raises :class:`~tos_kb.errors.ArchiveFileError` for a link (``path`` or a
    folder between ``root`` and it), a FIFO, a device or a file over the
    limit; ``OSError`` (``FileNotFoundError``...) when it cannot be opened.
    """
    try:
        fd = _open(path, root)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.EMLINK):
            raise ArchiveFileError(not_regular("a symbolic link")) from None
        raise
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        what = kind(info.st_mode)
        if what is not None or stat.S_ISDIR(info.st_mode):
            raise ArchiveFileError(not_regular(what or "a folder"))
        if info.st_size > MAX_FILE_BYTES:
            raise ArchiveFileError(too_large(info.st_size))
        data = read_upto(handle, info.st_size)
    if len(data) > MAX_FILE_BYTES:
        raise ArchiveFileError(too_large(len(data)))
    return data


def read_upto(handle: BinaryIO, size: int) -> bytes:
    """The bytes of a file ``stat`` says has ``size``, up to one past :data:`MAX_FILE_BYTES`.

    Why not ``read(MAX_FILE_BYTES + 1)``: that allocates a buffer of the limit's
    size for every file, which costs more than reading a small file. A file that
    grew since its ``stat`` is read on, up to the same limit.
    """
    data = handle.read(min(size, MAX_FILE_BYTES) + 1)
    if len(data) > size:
        data += handle.read(MAX_FILE_BYTES + 1 - len(data))
    return data


def read_text(path: Path, root: Path | None = None) -> str:
    """:func:`read_bytes` decoded as UTF-8 (``UnicodeDecodeError`` when it is not)."""
    return read_bytes(path, root).decode("utf-8")


def folders(folder: Path) -> list[Path]:
    """The real subfolders of ``folder`` (no links, no ignored names), sorted; [] if unreadable."""
    try:
        with os.scandir(folder) as entries:
            found = [
                Path(e.path)
                for e in entries
                if not ignored(e.name) and e.is_dir(follow_symlinks=False)
            ]
    except OSError:
        return []  # reported by scan()
    return sorted(found)


def files(folder: Path, suffix: str) -> list[Path]:
    """The regular files of ``folder`` ending in ``suffix`` (no links, no ignored names)."""
    try:
        with os.scandir(folder) as entries:
            found = [
                Path(e.path)
                for e in entries
                if e.name.endswith(suffix)
                and not ignored(e.name)
                and e.is_file(follow_symlinks=False)
            ]
    except OSError:
        return []
    return sorted(found)


def exists(path: Path) -> bool:
    """Whether anything (even a dangling link) stands at ``path``; errors count as present."""
    try:
        os.lstat(path)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # unreadable: reading it will say why
    return True


def scan(root: Path) -> Iterator[tuple[Path, str]]:
    """Every entry under ``root`` that the archive may not hold, with why, in path order."""
    stack = [root]
    found: list[tuple[Path, str]] = []
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError as exc:
            found.append((folder, f"the folder cannot be read: {exc.strerror or exc}"))
            continue
        for entry in entries:
            if ignored(entry.name):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                found.append((Path(entry.path), f"cannot be read: {exc.strerror or exc}"))
                continue
            what = kind(info.st_mode)
            if what is not None:
                found.append((Path(entry.path), not_regular(what)))
            elif stat.S_ISDIR(info.st_mode):
                stack.append(Path(entry.path))
            elif info.st_size > MAX_FILE_BYTES:
                found.append((Path(entry.path), too_large(info.st_size)))
    yield from sorted(found)
