"""Outbound documents: kept in the store's outbox with the changes that caused them, then written as files."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from edi.guides.files import safe_stem
from edi.x12.segments import ISA_LENGTH
from edi.store.connection import StoreControlNumbers, setting, transaction
from edi.x12.writer import EnvelopeSettings, Party, envelope_text

ISA13 = slice(90, 99)  # ISA13 in our own fixed-width ISA (guide section 3)


@dataclass
class Output:
    """One outbound interchange: its kind (997, ta1, 814, 814-change), its file name once stored, and its text."""

    kind: str
    file_name: str
    content: str


def output_name(partner: str, content: str, kind: str) -> str:
    """``<partner ID>.<our ISA13>.<kind>``: built only from a validated partner ID and our own control number."""
    isa13 = content[ISA13] if len(content) >= ISA_LENGTH and content[ISA13].isdigit() else "000000000"
    return f"{partner}.{isa13}.{kind}"


def store_output(conn: sqlite3.Connection, output: Output, partner: str, interchange_id: int | None,
                 now: datetime) -> str:
    """Add to the outbox in the caller's transaction; returns the file name."""
    name = output_name(partner, output.content, output.kind)
    functional_id, group_control = group_of(output.content)
    conn.execute("INSERT INTO outbox (kind, partner, file_name, content, created_at, interchange_id, functional_id,"
                 " group_control) VALUES (?,?,?,?,?,?,?,?)",
                 (output.kind, partner, name, output.content, now.isoformat(timespec="seconds"), interchange_id,
                  functional_id, group_control))
    return name


def supplier_party(duns: str) -> Party:
    """A RES as an interchange party: ISA qualifier 01 for DUNS, 14 for DUNS+4 (guide section 3)."""
    return Party("01" if len(duns) == 9 else "14", duns)


def send_to_supplier(conn: sqlite3.Connection, duns: str, functional_id: str, kind: str, set_texts: list[str],
                     now: datetime) -> Output:
    """One interchange from us to a RES (ISA13, then GS06, from the store's sequences), put in the outbox."""
    numbers = StoreControlNumbers(conn)
    ours = Party(setting(conn, "utility_qualifier"), setting(conn, "utility_duns"))
    envelope = EnvelopeSettings(ours, supplier_party(duns), now, numbers.next_interchange())
    output = Output(kind, "", envelope_text(envelope, functional_id, numbers.next_group(), set_texts))
    output.file_name = store_output(conn, output, safe_stem(duns), None, now)
    return output


def group_of(content: str) -> tuple[str, str]:
    """GS01 and GS06 of our own interchange (the segment after the ISA), or empty strings for a TA1 alone."""
    for segment in content.split("~")[1:3]:
        elements = segment.strip().split("*")
        if elements[0] == "GS" and len(elements) > 6:
            return elements[1], elements[6]
    return "", ""


def write_outputs(outputs: Collection[Output], out_dir: Path) -> list[Path]:
    """Write outputs into ``out_dir`` under their outbox names."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for output in outputs:
        target = out_dir / output.file_name
        target.write_text(output.content, encoding="ascii")
        written.append(target)
    return written


def mark_sent(conn: sqlite3.Connection, outputs: Collection[Output], now: datetime) -> None:
    """Record that ``outputs`` were delivered by hand (replay/cycle close --out): ``process`` will not send them."""
    with_names = [(now.isoformat(timespec="seconds"), o.file_name) for o in outputs if o.file_name]
    with transaction(conn):
        conn.executemany("UPDATE outbox SET sent_at = ? WHERE file_name = ? AND sent_at IS NULL", with_names)
