"""A compiled copy of the knowledge base, reused while ``terms/`` and the code are unchanged.

Why: parsing a few hundred YAML files and validating them takes about a
second; a script that asks one question should not pay that every time.

**Key: content, not times.** The key is a sha256 over the sha256 of every
file under ``terms/`` and of this package's code (with their relative paths
and what each entry is), so a same-size edit whose modification time is then
restored (``touch -r``, ``cp -p``, ``rsync -t``, tar) still misses the cache.
Hashing the whole archive (about 3-4 MB) costs tens of milliseconds, so the
file hashes are memoised per file by ``(path, size, mtime_ns, inode,
ctime_ns)``: the kernel sets ``ctime`` on every write and rename and no
user call can set it back (``touch`` and ``utime`` set only the access and
modification times), so an edit always changes the memo's key and the file
is hashed again. Links, FIFOs and devices are never opened: they enter the
key by what they are, so the records are loaded again and their problems
reported.

**Trust: who can write the cache.** The cache is a pickle, because it loads
in a few tens of milliseconds where a rebuilt object graph would cost more.
Unpickling a file someone else wrote can run their code, and a checksum or
an HMAC cannot help: its key would sit beside the cache, readable by anyone
who can plant a file. The defence is who may write: a cache folder or file
is used only when it is owned by the current user, is not a link and is not
writable by group or others (the folder is created ``0700``, files
``0600``); folder and file are opened without following links and checked
on the open descriptor, so nothing can be swapped in between check and read.
As a second wall, the unpickler accepts only the classes an index is made
of (:data:`ALLOWED`), so even a planted file can build data, never call a
function (the index's shelf unpacks its shards with the same unpickler, and
its one function, ``part_of``, only returns a part of a shelf). A same-user
attacker can already run code as that user, so no cache design defends
against one. The sha256 of the payload stored in the
entry's header is no defence against anyone (whoever writes the payload can
write its hash); it catches damage (a bad disk, a truncated copy), so a
damaged entry is rebuilt instead of answering from altered data.

**Faults.** Any failure to read an entry (truncated, corrupted, of another
format, a folder in its place) is said once on stderr; the index is then
compiled from the records and the entry replaced. Writes go to a temporary
file in the same folder, renamed over the entry; the temporary file is
removed on every path, success or failure.

**Change events** (:mod:`tos_kb.store.events`) are kept in the same folder
under the same key, with the same checks, written the first time
``kb.changes()`` computes them.

The cache lives in ``$TOS_KB_CACHE`` or ``~/.cache/tos-kb``; set
``TOS_KB_NO_CACHE=1`` to bypass it.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import secrets
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tos_kb.store.safepickle import restricted_loads

if TYPE_CHECKING:
    from tos_kb.answer.index import Index

FORMAT = "4"
MAGIC = b"tos-kb compiled index 4\n".ljust(32, b" ")  # then the payload's sha256, then it
KEEP = 8  # compiled knowledge bases kept (several checkouts, test folders)
MAX_ENTRY_BYTES = 256 * 1024 * 1024
PACKAGE = Path(__file__).resolve().parent.parent
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)

INDEX_SUFFIX = ".pickle"
CHANGES_SUFFIX = ".changes.pickle"  # the change events computed from the same archive
RELEASE_SUFFIX = ".release.json"  # a checkout's data release (store.releasememo)

_said: set[str] = set()
_left_out: dict[tuple[str, str], str] = {}  # (root, fingerprint) -> see left_out
T = TypeVar("T")
Memo = dict[str, list[Any]]  # path -> [size, mtime_ns, inode, ctime_ns, sha256]


class CacheError(Exception):
    """Why a cache entry is not used (said once on stderr)."""


class UnsafeFolder(CacheError):
    """Why the cache folder is not used at all."""


def say_once(message: str) -> None:
    """Print ``message`` on stderr, once per process."""
    if message not in _said:
        _said.add(message)
        print(f"tos-kb: {message}", file=sys.stderr)


def unused(exc: Exception) -> str:
    """The one line said when the cache folder is not used."""
    return f"the compiled cache is not used: {exc}"


# --- the key ---------------------------------------------------------------------------


def _entries(
    root: Path, skipped: list[str] | None = None
) -> Iterator[tuple[str, os.stat_result | None, str]]:
    """Every entry under ``root`` (relative path, lstat or None if unreadable, path); the
    entries left out (editors' backup and lock files, ``__pycache__``) go to ``skipped``."""
    from tos_kb.records.files import ignored

    base = os.fspath(root)
    cut = len(base) if base.endswith(os.sep) else len(base) + 1  # paths below: base/...
    stack = [base]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                found = list(it)
        except OSError:
            yield os.path.relpath(folder, base), None, folder
            continue
        for entry in found:
            if ignored(entry.name) or entry.name == "__pycache__":
                if skipped is not None:
                    skipped.append(_skipped(entry))
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                stack.append(entry.path)
            else:
                yield entry.path[cut:], info, entry.path


def _skipped(entry: os.DirEntry[str]) -> str:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return f"{entry.path}\0unreadable"
    return f"{entry.path}\0{info.st_mode}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _file_hash(path: str, info: os.stat_result | None, memo: Memo, fresh: Memo) -> str:
    """The sha256 of a regular file (memoised by its stat), or what the entry is instead."""
    if info is None:
        return "unreadable"
    if not stat.S_ISREG(info.st_mode):
        target = os.readlink(path) if stat.S_ISLNK(info.st_mode) else ""
        return f"special:{stat.S_IFMT(info.st_mode)}:{target}"
    seen = [info.st_size, info.st_mtime_ns, info.st_ino, info.st_ctime_ns]
    known = memo.get(path)
    if known is not None and known[:4] == seen:
        fresh[path] = known
        return str(known[4])
    from tos_kb.records.files import MAX_FILE_BYTES, read_upto

    if info.st_size > MAX_FILE_BYTES:
        return f"large:{seen}"
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
        with os.fdopen(fd, "rb") as handle:
            digest = hashlib.sha256(read_upto(handle, info.st_size)).hexdigest()
    except OSError:
        return "unreadable"
    fresh[path] = [*seen, digest]
    return digest


def fingerprint(root: Path) -> str:
    """A digest of every file's relative path and content under ``root`` and in this package."""
    from tos_kb._version import __version__

    folder = cache_dir()
    memo_name = f"hashes-{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]}.json"
    memo = _read_memo(folder, memo_name) if folder is not None else {}
    fresh: Memo = {}
    digest = hashlib.sha256(f"{FORMAT}:{__version__}".encode())
    skipped: list[str] = []
    for label, base in (("terms", root), ("code", PACKAGE)):
        found = _entries(base, skipped if label == "terms" else None)
        for relative, info, path in sorted(found, key=lambda e: e[0]):
            content = _file_hash(path, info, memo, fresh)
            digest.update(f"{label}\0{relative}\0{content}\n".encode())
    if folder is not None and fresh != memo:
        _write(folder, memo_name, json.dumps(fresh).encode())
    key = digest.hexdigest()
    _left_out[(str(root), key)] = hashlib.sha256("\n".join(sorted(skipped)).encode()).hexdigest()
    return key


def left_out(root: Path, key: str) -> str | None:
    """A digest of the entries of ``root`` its fingerprint ``key`` leaves out, with their
    stats, as this process last saw them (None: not fingerprinted here). An editor's backup
    file does not change the records, but ``git status`` lists it (see store.releasememo)."""
    return _left_out.get((str(root), key))


# --- the folder --------------------------------------------------------------------------


def cache_dir() -> Path | None:
    """Where compiled knowledge bases are kept, or None when caching is off."""
    if os.environ.get("TOS_KB_NO_CACHE") or not hasattr(os, "getuid"):
        return None  # without owners (Windows), a cache could not be checked: none is used
    base = os.environ.get("TOS_KB_CACHE")
    if base:
        return Path(base)
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(home) / "tos-kb"


def _trusted(info: os.stat_result, what: str) -> None:
    """Raise :class:`CacheError` unless ``info`` is ours and writable by nobody else."""
    error = UnsafeFolder if what.startswith("the cache folder") else CacheError
    if info.st_uid != os.getuid():
        raise error(f"{what} belongs to another user (uid {info.st_uid})")
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise error(f"{what} is writable by other users (mode {oct(info.st_mode & 0o777)})")


def _open_folder(folder: Path, create: bool) -> int:
    """A descriptor of the cache folder, checked; :class:`CacheError` when it is not safe."""
    if create:
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise UnsafeFolder(f"cannot create {folder}: {exc.strerror or exc}") from None
    try:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise UnsafeFolder(f"{folder} is not a folder that can be opened: {exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISDIR(info.st_mode):
            raise UnsafeFolder(f"{folder} is not a folder")
        _trusted(info, f"the cache folder {folder}")
    except BaseException:
        os.close(fd)
        raise
    return fd


def _read_entry(folder: Path, name: str) -> bytes | None:
    """The bytes of a trusted entry, None when absent; :class:`CacheError` when not usable."""
    try:
        dir_fd = _open_folder(folder, create=False)
    except FileNotFoundError:
        return None
    try:
        try:
            fd = os.open(name, os.O_RDONLY | _NOFOLLOW | _NONBLOCK, dir_fd=dir_fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise CacheError(f"{folder / name} cannot be opened: {exc.strerror or exc}") from None
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise CacheError(f"{folder / name} is not a regular file")
            _trusted(info, f"the cache entry {folder / name}")
            if info.st_size > MAX_ENTRY_BYTES:
                raise CacheError(f"{folder / name} is larger than {MAX_ENTRY_BYTES} bytes")
            return handle.read(MAX_ENTRY_BYTES)
    finally:
        os.close(dir_fd)


def _write(folder: Path, name: str, data: bytes) -> None:
    """Write ``data`` as ``name`` atomically; the temporary file never survives."""
    try:
        dir_fd = _open_folder(folder, create=True)
    except (CacheError, OSError) as exc:
        say_once(unused(exc))
        return
    tmp = f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600, dir_fd=dir_fd)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        try:
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except IsADirectoryError:
            os.rmdir(name, dir_fd=dir_fd)  # an empty folder in the entry's place
            os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except OSError as exc:
        say_once(f"the compiled cache could not be written in {folder}: {exc.strerror or exc}")
    finally:
        with contextlib.suppress(OSError):  # renamed into place: nothing is left behind
            os.unlink(tmp, dir_fd=dir_fd)
        os.close(dir_fd)


def _prune(folder: Path) -> None:
    """Keep the :data:`KEEP` newest entries of each kind; remove the rest, and any temporary
    file older than an hour (left by a process that was killed while writing)."""
    try:
        dir_fd = _open_folder(folder, create=False)
    except (CacheError, OSError):
        return
    try:
        names = os.listdir(dir_fd)
        doomed = [n for n in names if n.endswith(".tmp") and _old(n, dir_fd)]
        for suffix in (INDEX_SUFFIX, CHANGES_SUFFIX, RELEASE_SUFFIX, ".json"):
            found = []
            for name in names:
                if _kind(name) == suffix and not name.startswith("."):
                    with contextlib.suppress(OSError):
                        found.append((os.stat(name, dir_fd=dir_fd).st_mtime_ns, name))
            doomed += [name for _, name in sorted(found, reverse=True)[KEEP:]]
        for name in doomed:
            with contextlib.suppress(OSError):
                os.unlink(name, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)


def _kind(name: str) -> str:
    """Which kind of entry ``name`` is, by its suffix (each kind keeps its own :data:`KEEP`)."""
    for suffix in (CHANGES_SUFFIX, INDEX_SUFFIX, RELEASE_SUFFIX, ".json"):
        if name.endswith(suffix):
            return suffix
    return ""


def _old(name: str, dir_fd: int) -> bool:
    try:
        return time.time() - os.stat(name, dir_fd=dir_fd).st_mtime > 3600
    except OSError:
        return False


def _read_memo(folder: Path, name: str) -> Memo:
    """The memoised file hashes, or {} (they are then computed again)."""
    try:
        data = _read_entry(folder, name)
        memo = json.loads(data) if data is not None else {}
    except UnsafeFolder as exc:
        say_once(unused(exc))
        return {}
    except (CacheError, OSError, ValueError) as exc:
        say_once(f"the file hashes {folder / name} were not read ({exc}); computing them again")
        return {}
    valid = isinstance(memo, dict) and all(
        isinstance(v, list) and len(v) == 5 for v in memo.values()
    )
    return memo if valid else {}


# --- the index -----------------------------------------------------------------------------


def unpack(data: bytes, magic: bytes) -> Any:
    """What an entry written by :func:`pack` with ``magic`` holds; :class:`CacheError` if not."""
    head, digest, payload = (
        data[: len(magic)],
        data[len(magic) : len(magic) + 32],
        data[len(magic) + 32 :],
    )
    if head != magic:
        raise CacheError("it is not a tos-kb cache entry of this format")
    if hashlib.sha256(payload).digest() != digest:
        raise CacheError("its checksum does not match: the file is damaged")
    gc.disable()  # unpickling builds many small objects; cyclic GC passes would dominate
    try:
        return restricted_loads(payload)
    except Exception as exc:  # a damaged pickle can fail in any way: each is a miss
        raise CacheError(f"{type(exc).__name__}: {exc}") from None
    finally:
        gc.enable()


def pack(value: Any, magic: bytes) -> bytes:
    """``value`` pickled behind ``magic`` and the payload's sha256 (read back by :func:`unpack`)."""
    payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return magic + hashlib.sha256(payload).digest() + payload


def loads(data: bytes, key: str) -> Index:
    """The index stored in ``data`` for ``key``; :class:`CacheError` for anything else."""
    from tos_kb.answer.index import Index

    found = unpack(data, MAGIC)
    if not (isinstance(found, tuple) and len(found) == 3 and found[:2] == (FORMAT, key)):
        raise CacheError("it holds something other than this archive's compiled index")
    if not isinstance(found[2], Index):
        raise CacheError("it holds something other than a compiled index")
    return found[2]


def dumps(index: Index, key: str) -> bytes:
    """``index`` as stored for ``key`` (read back by :func:`loads`)."""
    return pack((FORMAT, key, index), MAGIC)


def read_entry(name: str, parse: Callable[[bytes], T]) -> T | None:
    """The cache entry ``name`` parsed, or None (caching off, missing, untrusted or unreadable)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        data = _read_entry(folder, name)
        return None if data is None else parse(data)
    except UnsafeFolder as exc:
        say_once(unused(exc))
        return None
    except (CacheError, OSError) as exc:
        say_once(f"the compiled cache {folder / name} was not used ({exc}); rebuilding it")
        return None


def write_entry(name: str, data: bytes) -> None:
    """Store an entry atomically; a cache that cannot be written is skipped (said once)."""
    folder = cache_dir()
    if folder is None:
        return
    _write(folder, name, data)
    _prune(folder)


def read(key: str) -> Index | None:
    """The cached compiled index for ``key``, or None (missing, untrusted or unreadable)."""
    return read_entry(f"{key}{INDEX_SUFFIX}", lambda data: loads(data, key))


def write(key: str, index: Index) -> None:
    """Store an index atomically; a cache that cannot be written is skipped (said once)."""
    write_entry(f"{key}{INDEX_SUFFIX}", dumps(index, key))
