"""D9: the 814 drop notices an interchange's switches owe the RES losing each account, grouped per RES."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from edi.flows.delivery import Output, send_to_supplier
from edi.store.connection import Db
from edi.x12.segments import Segment
from edi.x12.writer import TransactionSet, render_set

NOTICES_PER_INTERCHANGE = 10_000  # as for responses: a big aggregation week never holds more than this per RES


class NoticeBox:
    """Drop notices owed, by the losing RES's DUNS; sent (stored in the outbox) in the caller's transaction."""

    def __init__(self, conn: Db, now: datetime, *, keep_text: bool) -> None:
        self.conn = conn
        self.now = now
        self.keep_text = keep_text  # a replay reports the documents; a batch publishes them from the outbox
        self.owed: dict[str, list[str]] = {}
        self.full: Callable[[str, list[str]], list[Output]] = self.send_sets  # a full interchange: sent at once

    def add(self, duns: str, body: list[Segment]) -> list[Output]:
        """One notice; the RES's interchange goes out as soon as it is full (or to ``full``, when set)."""
        sets = self.owed.setdefault(duns, [])
        sets.append(render_set(TransactionSet("814", f"{len(sets) + 1:04d}", body)))
        return self.full(duns, self.owed.pop(duns)) if len(sets) == NOTICES_PER_INTERCHANGE else []

    def send(self) -> list[Output]:
        """Each RES's notices still owed as one interchange to it."""
        return [output for duns in tuple(self.owed) for output in self.send_sets(duns, self.owed.pop(duns))]

    def send_sets(self, duns: str, sets: list[str]) -> list[Output]:
        """These notices as one interchange to the RES, stored in the outbox."""
        output = send_to_supplier(self.conn, duns, "GE", "814-drop", sets, self.now)
        if not self.keep_text:
            output.content = ""
        return [output]
