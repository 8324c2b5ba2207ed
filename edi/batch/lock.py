"""One processor per store (A9): an exclusive, non-blocking flock on ``<db>.lock``."""

from __future__ import annotations

import fcntl
from pathlib import Path
from typing import IO


class BatchError(Exception):
    """The batch cannot run (another process holds the store, folders unusable)."""


class StoreLock:
    """Held for the life of a ``process`` run."""

    def __init__(self, db_path: Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self._handle: IO[str] | None = None

    def __enter__(self) -> StoreLock:
        handle = open(self.path, "a")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            handle.close()
            raise BatchError(f"another sbo-edi process is working on this store ({self.path} is locked)") from error
        self._handle = handle
        return self

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
