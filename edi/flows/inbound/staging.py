"""Sets read but not yet decided, spooled so memory stays flat for 100,000-set interchanges.

Only an interchange that is not decided as it is read (ahead.py) is staged; the spool is a temporary file, held
in memory up to ``SPOOL_BYTES``.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from tempfile import SpooledTemporaryFile
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    from edi.flows.inbound.kinds import Staged

T = TypeVar("T")
STAGE_CHUNK = 1000
SPOOL_BYTES = 8 << 20  # held in memory up to this, in a temporary file beyond


class StagedSets(Protocol):
    """What an interchange is decided from at its close: its sets in order, how many, and a way to let them go."""

    count: int

    def __iter__(self) -> Iterator[Staged]: ...

    def clear(self) -> None:
        """Forget everything staged."""


class Stage(Generic[T]):
    """Items in insertion order; each full chunk (``STAGE_CHUNK`` by default) is pickled once into the spool."""

    def __init__(self, chunk: int = STAGE_CHUNK) -> None:
        self.chunk = chunk
        self.count = 0
        self.held: list[T] = []
        self._spool: SpooledTemporaryFile[bytes] | None = None
        self.rows = 0

    def add(self, item: T) -> None:
        """Keep one item."""
        self.count += 1
        self.held.append(item)
        if len(self.held) == self.chunk:
            if self._spool is None:
                self._spool = SpooledTemporaryFile(SPOOL_BYTES)  # noqa: SIM115 (closed when the interchange ends)
            pickle.dump(self.held, self._spool, protocol=5)
            self.rows += 1
            self.held = []

    def __iter__(self) -> Iterator[T]:
        if self._spool is not None:
            self._spool.seek(0)
            for _ in range(self.rows):
                yield from pickle.load(self._spool)
            self._spool.seek(0, 2)
        yield from self.held

    def clear(self) -> None:
        """Forget everything staged."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        self.count, self.held, self.rows = 0, [], 0
