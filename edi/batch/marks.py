"""Where the worker is in the file it is processing (H2): a 16-byte mark beside the store, rewritten per set.

The mark is a shared memory map of the file: each write lands in the page cache without a system call, and
survives a SIGKILL as a ``pwrite`` would (it is not fsynced, so after a power loss it may be stale, which only
makes a death look like progress). The next run reads where the last attempt died.
"""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

PAUSED = -2  # the mark of a clean stop or an environment error: the next attempt is not counted as a death
TAKEN = -3  # taken, its reading not begun: a death here is not the file's doing and is not counted (I5)
_FORMAT = struct.Struct("<qq")  # file id, transaction sets read in this attempt


class ProgressMarks:
    """One mark for the one file a worker processes at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._map: mmap.mmap | None = None
        self.file_id = 0  # the file in hand and how far the worker got in it
        self.sets = 0

    def start(self, file_id: int) -> None:
        """A file is taken: its mark says so until its reading begins (``reached(0)``)."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
            if os.fstat(self._fd).st_size < _FORMAT.size:
                os.ftruncate(self._fd, _FORMAT.size)
            self._map = mmap.mmap(self._fd, _FORMAT.size)  # shared: what is written is the file's page
        self.file_id = file_id
        self.reached(TAKEN)

    def reached(self, sets: int) -> None:
        """The worker has read ``sets`` transaction sets of the file."""
        self.sets = sets
        if self._map is not None:
            _FORMAT.pack_into(self._map, 0, self.file_id, sets)

    def last(self, file_id: int) -> int:
        """How far the last attempt at ``file_id`` got, or -1 when the mark is of another file or missing."""
        try:
            data = self.path.read_bytes()[: _FORMAT.size]
        except OSError:
            return -1
        if len(data) < _FORMAT.size:
            return -1
        marked, sets = _FORMAT.unpack(data)
        return int(sets) if marked == file_id else -1

    def close(self) -> None:
        """Release the mark file."""
        if self._map is not None:
            self._map.close()
            self._map = None
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
