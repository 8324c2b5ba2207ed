"""D9: the 814 drop notices an interchange's switches owe the RES losing each account, grouped per RES."""

from __future__ import annotations

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

    def add(self, duns: str, body: list[Segment]) -> list[Output]:
        """One notice; the RES's interchange goes out as soon as it is full."""
        sets = self.owed.setdefault(duns, [])
        sets.append(render_set(TransactionSet("814", f"{len(sets) + 1:04d}", body)))
        return self.send(duns) if len(sets) == NOTICES_PER_INTERCHANGE else []

    def send(self, *only: str) -> list[Output]:
        """Each RES's notices (or only these RES's) as one interchange to it."""
        sent = []
        for duns in only or tuple(self.owed):
            output = send_to_supplier(self.conn, duns, "GE", "814-drop", self.owed.pop(duns), self.now)
            if not self.keep_text:
                output.content = ""
            sent.append(output)
        return sent
