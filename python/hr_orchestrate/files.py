"""Writing files so that readers never see them half-written, and noticing when they changed.

The server reads the manifest as soon as it appears (an inotify watch on its folder) and may build
a module while the compiler writes the next recompile, so every file goes to a temporary name in
its own folder first and then replaces the old one with ``os.replace`` (rename(2), atomic on one
file system): a reader opens either the old file or the new one. Without ``durable`` nothing is
fsync'ed: readers on the same machine see the rename through the page cache, and a dev build lost
to a power cut is rewritten by the next recompile, so paying milliseconds per recompile for it is
not worth it. With ``durable`` the data and the rename are flushed to disk.

A :class:`Stamp` is what stat(2) says of a file; the writer keeps the stamp of each file it wrote
and trusts a file whose stamp has not moved to still hold those bytes, without reading it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from dataclasses import dataclass
from typing import Union

# Paths are taken as str too: the writer joins thousands per recompile, and pathlib costs there.
PathLike = Union[str, "os.PathLike[str]"]


def content_hash(data: bytes) -> str:
    """The manifest's ``hash`` of a module's bytes: 128-bit BLAKE2b, hex (stable across runs)."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Stamp:
    """A file's identity and last change as stat(2) reports them."""

    ino: int
    size: int
    mtime_ns: int
    ctime_ns: int


def stamp_of(path: PathLike) -> Stamp | None:
    """The file's stamp, or None when it is missing or not a regular file."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return Stamp(st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def holds(path: PathLike, data: bytes) -> bool:
    """Whether the file holds exactly ``data`` (read only when the size matches)."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read(len(data) + 1) == data
    except OSError:
        return False


def write_atomic(path: PathLike, data: bytes, *, durable: bool = False) -> None:
    """Replaces ``path`` with ``data`` through a temporary file in the same folder."""
    folder, name = os.path.split(os.fspath(path))
    os.makedirs(folder or ".", exist_ok=True)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    # O_EXCL: never write through a name someone else made; 0o644 less the umask, like open().
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        with os.fdopen(fd, "wb", closefd=True) as f:
            f.write(data)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    if durable:
        sync_folder(folder or ".")


def sync_folder(folder: PathLike) -> None:
    """Flushes a folder's entries (a rename into it) to disk."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def remove_file(path: PathLike) -> bool:
    """Deletes a regular file; a missing one is fine. Returns whether a file was deleted."""
    try:
        os.unlink(path)
        return True
    except (FileNotFoundError, IsADirectoryError):
        return False
