"""One processor per store (A9, H3): an exclusive, non-blocking flock on the store file itself.

The lock belongs to the file's identity (its inode), not to the path that names it: a symlink or a hard link to
the same store meets the same lock. SQLite's own locks are POSIX record locks, which Linux keeps apart from flock.
On PostgreSQL there is no such lock: several workers share the store and its inbox (D17), each file held by a
claim (``edi/batch/claiming.py``) and every write transaction by the store's writer lock.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from edi.store.connection import is_store_url


class BatchError(Exception):
    """The batch cannot run (another process holds the store, folders unusable)."""


class StoreLock:
    """Held for the life of a ``process`` run."""

    def __init__(self, db_path: Path | str) -> None:
        self.target = db_path
        self.path = Path(db_path)
        self._fd: int | None = None

    def __enter__(self) -> StoreLock:
        if is_store_url(self.target):
            return self  # D17: several workers
        try:
            fd = os.open(self.path, os.O_RDONLY)  # the store must exist: only `sbo-edi init` creates one
        except FileNotFoundError as error:
            raise BatchError(
                f"there is no store at {self.path}; create one with `sbo-edi init --db {self.path}`"
            ) from error
        except OSError as error:
            raise BatchError(f"cannot open the store {self.path} to lock it: {error.strerror}") from error
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            os.close(fd)
            raise BatchError(f"another sbo-edi process is working on this store ({self.path} is locked)") from error
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:

        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
