"""The documents an interchange's decisions owe, by addressee and kind, each batch enveloped in its own interchange.

An 814 response, an 867 answering a usage request and a D9 drop notice to another RES are the same mechanism: a
decision returns ``Owed`` values (edi/transactions/documents.py) and the engine puts them here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from edi.transactions.documents import DocumentKind, Owed
from edi.x12.writer import render_set_text

PER_INTERCHANGE = 10_000  # sets per outbound interchange: a big aggregation week is answered in several


class Address(NamedTuple):
    """Whom a batch goes to ("" is the interchange's sender) and what kind of document it holds."""

    to: str
    kind: DocumentKind


Full = Callable[[Address, list[str]], None]


class Mailbag:
    """Sets owed, each batch numbered from 0001 and handed to ``full`` as soon as it holds ``PER_INTERCHANGE``."""

    def __init__(self, full: Full, limit: int | None = None) -> None:
        self.full = full
        self.limit = limit or PER_INTERCHANGE
        self._open: dict[tuple[str, DocumentKind], list[str]] = {}  # by addressee and kind (a plain tuple: per set)

    def add(self, owed: Owed) -> None:
        """One document; its batch is handed on when full."""
        key = (owed.to, owed.kind)
        sets = self._open.get(key)
        if sets is None:
            sets = self._open[key] = []
        sets.append(render_set_text(owed.kind.code, f"{len(sets) + 1:04d}", owed.body))
        if len(sets) == self.limit:
            self.full(Address(*key), self._open.pop(key))

    def rest(self) -> list[tuple[Address, list[str]]]:
        """Every batch not yet handed on, emptied: the sender's answers first, then the others as they were owed."""
        batches = [(Address(*key), sets) for key, sets in self._open.items()]
        self._open = {}
        return sorted(batches, key=lambda item: item[0].to != "")
