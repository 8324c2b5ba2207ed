"""One delivery path for every outbound document: enveloped by its row, stored in the outbox, written durably.

``process`` publishes the outbox into its folder; ``replay``, ``cycle close`` and ``invoice`` with ``--out`` write
the same way (temp, fsync, rename, fsync of the folder: G1, G2) and then mark what they wrote sent.
"""

from __future__ import annotations

import contextlib
import re
from collections import Counter
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from edi.flows.delivery.durable import ensure_folder, write_atomically
from edi.flows.hooks import EventSink, Failpoint, no_event, no_failpoint
from edi.naming import safe_stem
from edi.store import outbox
from edi.store.connection import Db, StoreControlNumbers, setting
from edi.transactions.documents import DocumentKind
from edi.x12.results import InterchangeResult
from edi.x12.segments import ISA_LENGTH, echo_safe, group_header
from edi.x12.writer import EnvelopeSettings, Party, envelope_text

ISA13 = slice(90, 99)  # ISA13 in our own fixed-width ISA (guide section 3)
_OUTPUT_NAME = re.compile(r"[A-Za-z0-9._-]{1,120}\Z")


class DeliveryError(Exception):
    """A stored document cannot be delivered as it is (never expected: we build every name)."""


@dataclass
class Output:
    """One outbound interchange: its kind (a name of the outbound table), its name once stored, its text."""

    kind: str
    file_name: str
    content: str


def output_name(partner: str, content: str, kind: str) -> str:
    """``<partner ID>.<our ISA13>.<kind>``: built only from a validated partner ID and our own control number."""
    isa13 = content[ISA13] if len(content) >= ISA_LENGTH and content[ISA13].isdigit() else "000000000"
    return f"{partner}.{isa13}.{kind}"


def store_output(conn: Db, output: Output, partner: str, interchange_id: int | None, now: datetime) -> str:
    """Add to the outbox in the caller's transaction; returns the file name."""
    name = output_name(partner, output.content, output.kind)
    functional_id, group_control = group_header(output.content)
    row = outbox.OutboxRow(output.kind, partner, name, output.content, functional_id, group_control)
    outbox.add_document(conn, row, interchange_id, now)
    return name


def supplier_party(duns: str) -> Party:
    """A RES as an interchange party: ISA qualifier 01 for DUNS, 14 for DUNS+4 (guide section 3)."""
    return Party("01" if len(duns) == 9 else "14", duns)


def send_to_supplier(conn: Db, duns: str, kind: DocumentKind, set_texts: list[str], now: datetime) -> Output:
    """One interchange of ``kind`` from us to a RES (ISA13, then GS06, from the store's sequences), in the outbox."""
    numbers = StoreControlNumbers(conn)
    ours = Party(setting(conn, "utility_qualifier"), setting(conn, "utility_duns"))
    envelope = EnvelopeSettings(ours, supplier_party(duns), now, numbers.next_interchange())
    output = Output(kind.name, "", envelope_text(envelope, kind.functional_id, numbers.next_group(), set_texts))
    output.file_name = store_output(conn, output, safe_stem(duns), None, now)
    return output


def reply_text(conn: Db, ix: InterchangeResult, ours: Party, now: datetime, kind: DocumentKind, sets: list[str]) -> str:
    """One group of ``kind`` back to an interchange's sender: parties swapped, ISA15 kept (ISA13, then GS06)."""
    numbers = StoreControlNumbers(conn)
    group = ix.groups[0] if ix.groups else None
    envelope = EnvelopeSettings(  # GS02/GS03 echo the partner's own codes where they are safe to echo (I6)
        sender=Party(ours.qualifier, ours.id, echo_safe(group.receiver) if group else ""),
        receiver=Party(ix.sender_qualifier, ix.sender_id.strip(), echo_safe(group.sender) if group else ""),
        timestamp=now,
        interchange_control_number=numbers.next_interchange(),
        usage=ix.usage,
    )
    return envelope_text(envelope, kind.functional_id, numbers.next_group(), sets)


def _ascii(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """A stored document's bytes, each checked to be ASCII (we write nothing else: never expected otherwise)."""
    for chunk in chunks:
        if not chunk.isascii():
            raise DeliveryError("a stored document is not ASCII")
        yield chunk


def _checked_name(name: str) -> str:
    if not _OUTPUT_NAME.match(name) or name.startswith("."):
        raise DeliveryError(f"the document name {name!r} is unsafe")  # built by us: never expected
    return name


def write_outputs(outputs: Collection[Output], folder: Path, failpoint: Failpoint = no_failpoint) -> list[Path]:
    """Write documents into ``folder`` under their outbox names, each whole or not at all (G2)."""
    ensure_folder(folder)
    return [write_atomically(folder, _checked_name(o.file_name), o.content.encode("ascii"), failpoint) for o in outputs]


def deliver(conn: Db, outputs: Collection[Output], folder: Path, now: datetime) -> list[Path]:
    """``--out``: write durably, then mark sent so that ``process`` does not publish them again."""
    written = write_outputs(outputs, folder)
    outbox.mark_sent_by_name(conn, [o.file_name for o in outputs if o.file_name], now)
    return written


def publish_outbox(
    conn: Db, folder: Path, now: datetime, failpoint: Failpoint = no_failpoint, events: EventSink = no_event
) -> Counter[str]:
    """Write every unsent outbox document into ``folder`` (G1, G2), then mark it sent; returns counts by kind."""
    sent: Counter[str] = Counter()
    for row_id, kind, name, content in outbox.unsent(conn):
        with contextlib.closing(content):  # its blob handle is closed even when the write fails
            write_atomically(folder, _checked_name(name), _ascii(content), failpoint)
        failpoint("before_mark_sent")
        outbox.mark_sent(conn, row_id, now)
        failpoint("after_mark_sent")
        sent[kind] += 1
        events("document_sent", output=name, kind=kind)
    return sent
