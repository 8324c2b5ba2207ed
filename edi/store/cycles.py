"""Read cycles: scheduled reads, closes, and the D3 switch notices that fall due at a read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from edi.store.connection import Db
from edi.times import stamp


@dataclass(frozen=True)
class DueNotice:
    """A D3 switch to SBO that falls due at a read, with the RES to tell."""

    id: int
    account_number: str
    supplier_duns: str
    supplier_name: str
    supplier_account: str
    switch_date: date
    request_id: str
    outcome_id: int


def is_scheduled_read(conn: Db, group: int, read_date: date) -> bool:
    """The date is one of the group's scheduled reads."""
    row = conn.execute(
        "SELECT 1 FROM read_dates WHERE bill_group = ? AND read_date = ?", (group, read_date.isoformat())
    ).fetchone()
    return row is not None


def scheduled_reads(conn: Db, group: int) -> tuple[date, ...]:
    """The group's scheduled reads, in order."""
    rows = conn.execute("SELECT read_date FROM read_dates WHERE bill_group = ? ORDER BY read_date", (group,))
    return tuple(date.fromisoformat(r[0]) for r in rows)


def record_close(conn: Db, group: int, read_date: date, now: datetime) -> bool:
    """Remember that the read was closed; False when it had been closed before."""
    cursor = conn.execute(
        "INSERT INTO cycle_closes VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
        (group, read_date.isoformat(), stamp(now)),
    )
    return cursor.rowcount > 0


def due_notices(conn: Db, group: int, read_date: date) -> list[DueNotice]:
    """Unsent switch notices of the group due by the read, by RES then in order."""
    rows = conn.execute(
        "SELECT n.*, s.name AS supplier_name FROM switch_notices n JOIN suppliers s ON s.duns = n.supplier_duns"
        " WHERE n.bill_group = ? AND n.switch_date <= ? AND n.sent_on IS NULL ORDER BY n.supplier_duns, n.id",
        (group, read_date.isoformat()),
    ).fetchall()
    return [
        DueNotice(
            int(r["id"]),
            r["account_number"],
            r["supplier_duns"],
            r["supplier_name"],
            r["supplier_account"],
            date.fromisoformat(r["switch_date"]),
            r["request_id"],
            int(r["outcome_id"]),
        )
        for r in rows
    ]


def mark_notice_sent(conn: Db, notice_id: int, on: date) -> None:
    """The notice went out in an 814 change."""
    conn.execute("UPDATE switch_notices SET sent_on = ? WHERE id = ?", (on.isoformat(), notice_id))
