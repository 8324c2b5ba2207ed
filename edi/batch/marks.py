"""Where the worker is in the file it is processing (H2): a 16-byte mark beside the store, rewritten per set.

The mark survives a SIGKILL (it is in the page cache; it is not fsynced, so after a power loss it may be stale,
which only makes a death look like progress). The next run reads where the last attempt died.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

PAUSED = -2  # the mark of a clean stop or an environment error: the next attempt is not counted as a death
_FORMAT = struct.Struct("<qq")  # file id, transaction sets read in this attempt


class ProgressMarks:
    """One mark for the one file a worker processes at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self.file_id = 0  # the file in hand and how far the worker got in it
        self.sets = 0

    def start(self, file_id: int) -> None:
        """A file is taken: its mark starts at 0."""
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        self.file_id = file_id
        self.reached(0)

    def reached(self, sets: int) -> None:
        """The worker has read ``sets`` transaction sets of the file."""
        self.sets = sets
        if self._fd is not None:
            os.pwrite(self._fd, _FORMAT.pack(self.file_id, sets), 0)

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
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
