"""The transactional outbox: every document we send, stored with the changes that caused it, then marked sent."""

from __future__ import annotations

import sqlite3
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime

from edi.store.connection import Db, transaction
from edi.store.postgres import PgConnection
from edi.times import stamp


@dataclass(frozen=True)
class OutboxRow:
    """One stored outbound document."""

    kind: str
    partner: str
    file_name: str
    content: str
    functional_id: str
    group_control: str


def add_document(conn: Db, row: OutboxRow, interchange_id: int | None, now: datetime) -> None:
    """Add a document in the caller's transaction (it commits with the changes it reports)."""
    conn.execute(
        "INSERT INTO outbox (kind, partner, file_name, content, created_at, interchange_id, functional_id,"
        " group_control) VALUES (?,?,?,?,?,?,?,?)",
        (
            row.kind,
            row.partner,
            row.file_name,
            row.content,
            stamp(now),
            interchange_id,
            row.functional_id,
            row.group_control,
        ),
    )


CONTENT_CHUNK = 1 << 20  # a document is read back a MiB at a time (a million-set 997 is about 26 MB)


def unsent(conn: Db) -> Iterator[tuple[int, str, str, Generator[bytes, None, None]]]:
    """Each document not yet written to the outbox folder, oldest first: (row id, kind, file name, its bytes)."""
    for (row_id,) in conn.execute("SELECT id FROM outbox WHERE sent_at IS NULL ORDER BY id").fetchall():
        kind, name = conn.execute("SELECT kind, file_name FROM outbox WHERE id = ?", (row_id,)).fetchone()
        yield int(row_id), str(kind), str(name), content_chunks(conn, int(row_id))


def content_chunks(conn: Db, row_id: int) -> Generator[bytes, None, None]:
    """A document's stored text as bytes, read incrementally (never whole in memory)."""
    if isinstance(conn, PgConnection):  # no blob handle there: a slice of characters at a time
        start = 1
        while True:
            row = conn.execute("SELECT substr(content, ?, ?) FROM outbox WHERE id = ?",
                               (start, CONTENT_CHUNK, row_id)).fetchone()  # fmt: skip
            if row is None or not row[0]:
                return
            yield str(row[0]).encode("utf-8")
            start += CONTENT_CHUNK
    assert isinstance(conn, sqlite3.Connection)
    with conn.blobopen("outbox", "content", row_id, readonly=True) as blob:
        while chunk := blob.read(CONTENT_CHUNK):
            yield chunk


def mark_sent(conn: Db, row_id: int, now: datetime) -> None:
    """One document is in the outbox folder (autocommit: published files are never published twice)."""
    conn.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", (stamp(now), row_id))


def mark_sent_by_name(conn: Db, names: list[str], now: datetime) -> None:
    """Documents delivered elsewhere (``--out``) are sent: ``process`` will not publish them."""
    with transaction(conn):
        conn.executemany(
            "UPDATE outbox SET sent_at = ? WHERE file_name = ? AND sent_at IS NULL",
            [(stamp(now), name) for name in names],
        )


def record_acknowledgment(
    conn: Db, partner: str, functional_id: str, group_control: str, status: str, now: datetime
) -> bool:
    """B13: the partner's 997 marks the document whose group it names; False when it names nothing we sent."""
    cursor = conn.execute(
        "UPDATE outbox SET ack_status = ?, acked_at = ? WHERE partner = ? AND functional_id = ? AND group_control = ?",
        (status, stamp(now), partner, functional_id, group_control),
    )
    return cursor.rowcount > 0


def document(conn: Db, file_name: str) -> tuple[int, str, str | None] | None:
    """An outbound document by its file name: (row id, content, when it was sent)."""
    row = conn.execute("SELECT id, content, sent_at FROM outbox WHERE file_name = ?", (file_name,)).fetchone()
    return (int(row[0]), str(row[1]), row[2]) if row else None


def record_document_event(conn: Db, outbox_id: int, event: str, now: datetime) -> None:
    """Resent or purged, in the audit trail."""
    with transaction(conn):
        conn.execute("INSERT INTO document_history (outbox_id, at, event) VALUES (?, ?, ?)",
                     (outbox_id, stamp(now), event))  # fmt: skip


def published_before(conn: Db, before: datetime) -> list[tuple[int, str]]:
    """Documents published before ``before`` whose file was not purged yet: (row id, file name)."""
    rows = conn.execute("SELECT id, file_name FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ? AND id NOT IN"
                        " (SELECT outbox_id FROM document_history WHERE event = 'purged') ORDER BY id",
                        (stamp(before),))  # fmt: skip
    return [(int(r[0]), str(r[1])) for r in rows]
