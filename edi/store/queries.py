"""Read-only queries for what people look at: recent runs, files, documents, and one transaction's whole path."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from edi.store.connection import Db
from edi.times import stamp


def recent_runs(conn: Db, count: int) -> list[dict[str, Any]]:
    """The last ``count`` runs, newest first, with their summaries parsed."""
    rows = conn.execute(
        "SELECT id, started_at, finished_at, state, summary FROM runs ORDER BY id DESC LIMIT ?", (count,)
    ).fetchall()
    return [{**dict(r), "summary": json.loads(r["summary"])} for r in rows]


def files_in_processing(conn: Db) -> list[dict[str, Any]]:
    """Files a run was working on when it stopped."""
    return [dict(r) for r in conn.execute("SELECT id, original_name, attempts FROM files WHERE state = 'processing'")]


def quarantined_files(conn: Db, count: int) -> list[dict[str, Any]]:
    """The most recently quarantined files with their reasons."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT id, stored_as, reason, original_name FROM files WHERE state = 'quarantined' ORDER BY id DESC"
            " LIMIT ?",
            (count,),
        )
    ]


def unsent_count(conn: Db) -> int:
    """Documents committed but not yet written to the outbox folder."""
    return int(conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0])


def overdue_acknowledgments(conn: Db, sent_before: datetime, kinds: Sequence[str]) -> list[dict[str, Any]]:
    """B13: documents of ``kinds`` sent before ``sent_before`` that no 997 has acknowledged yet."""
    marks = ", ".join("?" for _ in kinds)
    rows = conn.execute(
        f"SELECT file_name, sent_at FROM outbox WHERE kind IN ({marks}) AND sent_at IS NOT NULL"
        " AND ack_status IS NULL AND sent_at <= ? ORDER BY id",
        (*kinds, stamp(sent_before)),
    )
    return [dict(r) for r in rows]


def refused_documents(conn: Db, count: int) -> list[dict[str, Any]]:
    """Documents whose 997 rejected them (AK9 R, E or P)."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT file_name, ack_status FROM outbox WHERE ack_status IN ('R', 'E', 'P') ORDER BY id DESC LIMIT ?",
            (count,),
        )
    ]


def transactions_by_key(conn: Db, key: str) -> list[dict[str, Any]]:
    """Every outcome row whose interchange ISA13 or request BGN02 is ``key``, with its interchange."""
    rows = conn.execute(
        "SELECT o.*, i.sender_id, i.control_number AS isa13, i.usage, i.outcome AS interchange_outcome,"
        " i.ta1_note, i.source_file, i.processed_at AS interchange_at, i.file_id FROM outcomes o"
        " JOIN interchanges i ON i.id = o.interchange_id"
        " WHERE o.request_id = ? OR i.control_number = ? OR ltrim(i.control_number, '0') = ltrim(?, '0')"
        " ORDER BY o.id",
        (key, key, key),
    )
    return [dict(r) for r in rows]


def file_row(conn: Db, file_id: int) -> dict[str, Any] | None:
    """One intake ledger row."""
    row = conn.execute(
        "SELECT id, original_name, sha256, received_at, state, stored_as, reason FROM files WHERE id = ?", (file_id,)
    ).fetchone()
    return dict(row) if row else None


def interchange_documents(conn: Db, interchange_id: int) -> list[dict[str, Any]]:
    """The documents an inbound interchange caused."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT kind, file_name, created_at, sent_at FROM outbox WHERE interchange_id = ? ORDER BY id",
            (interchange_id,),
        )
    ]


def group_row(conn: Db, interchange_id: int, control_number: str) -> dict[str, Any] | None:
    """Our AK9 verdict on one inbound group."""
    row = conn.execute(
        "SELECT ak9_status, ak9_codes, sets_received, sets_accepted FROM groups_received"
        " WHERE interchange_id = ? AND control_number = ?",
        (interchange_id, control_number),
    ).fetchone()
    return dict(row) if row else None


def outcome_timeline(conn: Db, outcome_id: int) -> list[dict[str, Any]]:
    """The account changes one outcome made."""
    return [
        dict(r)
        for r in conn.execute(
            "SELECT account_number, rule, event, detail FROM timeline WHERE outcome_id = ? ORDER BY id", (outcome_id,)
        )
    ]


def disposed_files(conn: Db, state: str) -> list[dict[str, Any]]:
    """Ledger rows of files archived or quarantined, with our name for each and its digest."""
    query = "SELECT id, stored_as, sha256, purged_at FROM files WHERE state = ? AND stored_as != '' ORDER BY id"
    return [dict(r) for r in conn.execute(query, (state,))]


def committed_positions(conn: Db, file_id: int) -> set[int]:
    """Which of a file's interchanges (by position) the ledger holds."""
    return {int(r[0]) for r in conn.execute("SELECT position FROM interchanges WHERE file_id = ?", (file_id,))}


def outcome_shortfalls(conn: Db) -> list[dict[str, Any]]:
    """Interchanges whose outcome rows do not number the sets their groups received (one outcome per set)."""
    rows = conn.execute(
        "SELECT i.id, i.file_id, i.control_number, g.received, (SELECT count(*) FROM outcomes o"
        " WHERE o.interchange_id = i.id) AS recorded FROM interchanges i JOIN (SELECT interchange_id,"
        " sum(sets_received) AS received FROM groups_received GROUP BY interchange_id) g ON g.interchange_id = i.id"
        " WHERE g.received != (SELECT count(*) FROM outcomes o WHERE o.interchange_id = i.id) ORDER BY i.id"
    )
    return [dict(r) for r in rows]


def beat(conn: Db, pid: int, now: datetime, interval: float, *, watching: bool) -> None:
    """The watcher is alive (or, with ``watching`` false, stopped cleanly)."""
    row = (pid, stamp(now), interval, int(watching))
    conn.execute("INSERT INTO heartbeat VALUES ('watch', ?, ?, ?, ?) ON CONFLICT (worker) DO UPDATE SET pid ="
                 " excluded.pid, beat_at = excluded.beat_at, interval_seconds = excluded.interval_seconds,"
                 " watching = excluded.watching", row)  # fmt: skip


def heartbeat(conn: Db) -> dict[str, Any] | None:
    """The watcher's last beat, if a watcher ever ran."""
    row = conn.execute("SELECT pid, beat_at, interval_seconds, watching FROM heartbeat WHERE worker = 'watch'")
    found = row.fetchone()
    return dict(found) if found else None


def fresh_quarantines(conn: Db) -> list[dict[str, Any]]:
    """Files quarantined since the last run that quarantined and failed nothing (all of them if none did)."""
    good = [r for r in recent_runs(conn, 1000) if r["state"] == "finished"
            and not r["summary"].get("quarantined") and not r["summary"].get("failed")]  # fmt: skip
    since = good[0]["started_at"] if good else ""
    rows = conn.execute("SELECT id, stored_as, reason, finished_at FROM files WHERE state = 'quarantined' AND"
                        " coalesce(finished_at, received_at) >= ? ORDER BY id", (since,))  # fmt: skip
    return [dict(r) for r in rows]
