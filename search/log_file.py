"""The open trials log of a running search: locked, appended to line by line, durable.

The file format (what the lines say) is :mod:`search.storage`'s; this module
is how they get to the disk. Each line is written whole, flushed and fsynced
before :meth:`Log.write` returns, and a new file's directory entry is synced
too, so a crash or a power cut loses at most the line being written. While a
search writes a file it holds an exclusive ``flock`` on it (a second writer is
refused at once); a reader takes a shared one (:func:`locked`), so a file
being written is not read half-way.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO

    from search.storage import Stored

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no locking
    fcntl = None  # type: ignore[assignment]


def json_line(row: dict[str, Any]) -> bytes:
    """One line of the file: strict JSON (no NaN or inf) and a newline."""
    return json.dumps(row, allow_nan=False).encode() + b"\n"


def check_regular(path: Path) -> None:
    """A storage path that exists must be a regular file (not a FIFO, a device)."""
    if path.exists() and not path.is_file():
        raise ValueError(
            f"{path} is not a regular file; a trials log must be an ordinary file"
        )


class Log:
    """The open storage file of a running search: locked, appended to, fsynced.

    Opened only when the search has something to write; the file must still
    hold the bytes ``stored`` read (else another process changed it between).
    A last line cut by a crash is truncated away; a new file gets ``first``,
    its header.
    """

    def __init__(
        self, path: Path, stored: Stored, first: dict[str, Any] | None
    ) -> None:
        self.path = path
        new = stored.header is None
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        self.file = os.fdopen(fd, "r+b")
        try:
            _lock(self.file, path)
            if self.file.read() != stored.data:
                raise ValueError(
                    f"{path} changed while it was being read (another process?); "
                    "rerun to resume from what it holds now"
                )
            self.file.truncate(stored.length)  # drop a line cut by a crash
            self.file.seek(stored.length)
            if new and first is not None:
                self.write(first)
        except BaseException:
            self.file.close()
            raise
        if new:
            _sync_directory(path)

    def write(self, row: dict[str, Any]) -> None:
        """Append ``row`` as one line, durably (flush and fsync) before returning."""
        self.file.write(json_line(row))
        self.file.flush()
        os.fsync(self.file.fileno())

    def close(self) -> None:
        """Release the lock and close the file."""
        self.file.close()


def _sync_directory(path: Path) -> None:
    # A new file survives a power cut only once its directory entry is on
    # disk too (POSIX; elsewhere the write's fsync is all we do).
    if hasattr(os, "O_DIRECTORY"):
        directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


def _lock(file: BinaryIO, path: Path, shared: bool = False) -> None:
    """Take ``flock`` on ``file`` without waiting; refuse if another process holds it."""
    if fcntl is None:
        return
    try:
        fcntl.flock(
            file.fileno(), (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB
        )
    except BlockingIOError:
        raise ValueError(
            f"{path} is being written by another process (a search on the same "
            "file); wait for it to end or use another file"
        ) from None


@contextlib.contextmanager
def locked(file: BinaryIO, path: Path, shared: bool = False) -> Iterator[None]:
    """``_lock`` for the duration of a ``with`` block."""
    _lock(file, path, shared)
    try:
        yield
    finally:
        if fcntl is not None:
            fcntl.flock(file.fileno(), fcntl.LOCK_UN)
