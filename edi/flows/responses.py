"""The 814 responses owed to an interchange's sender, enveloped back to it (parties swapped, ISA15 kept)."""

from __future__ import annotations

from datetime import datetime

from edi.store.connection import Db, StoreControlNumbers
from edi.x12.results import InterchangeResult
from edi.x12.writer import EnvelopeSettings, Party, envelope_text


def response_interchange(conn: Db, ix: InterchangeResult, ours: Party, now: datetime, sets: list[str]) -> str:
    """One GE group of 814 responses back to the interchange's sender (ISA13, then GS06, from the store)."""
    numbers = StoreControlNumbers(conn)
    group = ix.groups[0] if ix.groups else None
    envelope = EnvelopeSettings(
        sender=Party(ours.qualifier, ours.id, group.receiver if group else ""),
        receiver=Party(ix.sender_qualifier, ix.sender_id.strip(), group.sender if group else ""),
        timestamp=now,
        interchange_control_number=numbers.next_interchange(),
        usage=ix.usage,
    )
    return envelope_text(envelope, "GE", numbers.next_group(), sets)
