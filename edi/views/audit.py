"""The audit trail read back: ``status`` (recent runs) and ``explain`` (one transaction's whole path)."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from edi.naming import mask_account
from edi.store.apply import SEALED_COLUMNS, outcome_seal
from edi.store.connection import control_numbers_near_wrap


def status_lines(conn: sqlite3.Connection, count: int, now: datetime | None = None,
                 overdue_hours: float = 48.0) -> list[str]:
    """Recent runs with their summaries, files in processing, quarantined files, unsent and unacknowledged documents."""
    lines = ["recent runs:"]
    runs = conn.execute("SELECT id, started_at, finished_at, state, summary FROM runs ORDER BY id DESC LIMIT ?",
                        (count,)).fetchall()
    if not runs:
        lines.append("  (none)")
    for run in runs:
        s = json.loads(run["summary"])
        rejected = ", ".join(f"{k} {v}" for k, v in s.get("rejected_by_code", {}).items()) or "none"
        lines.append(f"  #{run['id']} {run['started_at']} .. {run['finished_at'] or '-'} {run['state']}: "
                     f"{s.get('files', 0)} file(s) ({s.get('quarantined', 0)} quarantined), "
                     f"{s.get('transactions', 0)} transaction(s), {s.get('accepted', 0)} accepted, "
                     f"rejected: {rejected}")
    waiting = conn.execute("SELECT id, original_name, attempts FROM files WHERE state = 'processing'").fetchall()
    lines.append(f"files in processing (interrupted, resumed by the next run): {len(waiting)}")
    lines += [f"  #{r['id']} {r['original_name']} (attempts {r['attempts']})" for r in waiting]
    quarantined = conn.execute("SELECT id, stored_as, reason FROM files WHERE state = 'quarantined'"
                               " ORDER BY id DESC LIMIT ?", (count,)).fetchall()
    lines.append(f"recently quarantined: {len(quarantined)}")
    lines += [f"  #{r['id']} {r['stored_as']}: {r['reason']}" for r in quarantined]
    unsent = conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0]
    lines.append(f"documents committed but not yet written to the outbox folder: {unsent}")
    if now is not None:
        cutoff = (now - timedelta(hours=overdue_hours)).isoformat(timespec="seconds")
        overdue = conn.execute(
            "SELECT file_name, sent_at FROM outbox WHERE kind IN ('814', '814-change', '810') AND sent_at IS NOT NULL"
            " AND ack_status IS NULL AND sent_at <= ? ORDER BY id", (cutoff,)).fetchall()
        lines.append(f"documents sent more than {overdue_hours:g} h ago with no 997 back (B13): {len(overdue)}")
        lines += [f"  {r['file_name']} sent {r['sent_at']}" for r in overdue[:count]]
        refused = conn.execute("SELECT file_name, ack_status FROM outbox WHERE ack_status IN ('R', 'E', 'P')"
                               " ORDER BY id DESC LIMIT ?", (count,)).fetchall()
        lines += [f"  {r['file_name']}: the partner's 997 says AK9 {r['ack_status']}" for r in refused]
    near = control_numbers_near_wrap(conn)
    if near:
        lines.append(f"WARNING: control numbers near the 999,999,999 wrap: {', '.join(near)}")
    return lines


def explain(conn: sqlite3.Connection, key: str) -> list[dict[str, Any]]:
    """Every transaction set whose interchange ISA13 or request BGN02 is ``key``, with its whole path."""
    rows = conn.execute(
        "SELECT o.*, i.sender_id, i.control_number AS isa13, i.usage, i.outcome AS interchange_outcome,"
        " i.ta1_note, i.source_file, i.processed_at AS interchange_at, i.file_id FROM outcomes o"
        " JOIN interchanges i ON i.id = o.interchange_id"
        " WHERE o.request_id = ? OR i.control_number = ? OR ltrim(i.control_number, '0') = ltrim(?, '0')"
        " ORDER BY o.id", (key, key, key)).fetchall()
    found = []
    for row in rows:
        file_row = conn.execute("SELECT id, original_name, sha256, received_at, state, stored_as, reason FROM files"
                                " WHERE id = ?", (row["file_id"],)).fetchone() if row["file_id"] else None
        outputs = conn.execute("SELECT kind, file_name, created_at, sent_at FROM outbox WHERE interchange_id = ?"
                               " ORDER BY id", (row["interchange_id"],)).fetchall()
        group = conn.execute("SELECT ak9_status, ak9_codes, sets_received, sets_accepted FROM groups_received"
                             " WHERE interchange_id = ? AND control_number = ?",
                             (row["interchange_id"], row["group_control"])).fetchone()
        timeline = conn.execute("SELECT account_number, rule, event, detail FROM timeline WHERE outcome_id = ?"
                                " ORDER BY id", (row["id"],)).fetchall()
        found.append({
            "file": dict(file_row) if file_row else {"original_name": row["source_file"]},
            "interchange": {"sender": row["sender_id"], "isa13": row["isa13"], "usage": row["usage"],
                            "outcome": row["interchange_outcome"], "ta1_note": row["ta1_note"],
                            "processed_at": row["interchange_at"]},
            "group": dict(group) if group else {},
            "transaction": {"gs06": row["group_control"], "st02": row["st02"], "bgn02": row["request_id"],
                            "supplier": row["supplier_duns"], "account": mask_account(row["account_number"]),
                            "outcome": row["outcome"], "rules": row["rules"], "reasons": json.loads(row["reasons"]),
                            "changes": json.loads(row["changes"]), "response_reference": row["response_reference"]},
            "documents": [dict(o) for o in outputs],
            "account_changes": [{"account": mask_account(t["account_number"]), "rule": t["rule"], "event": t["event"],
                                 "detail": json.loads(t["detail"])} for t in timeline],
        })
    return found


def explain_lines(found: list[dict[str, Any]]) -> list[str]:
    """The terminal view of ``explain``."""
    lines: list[str] = []
    for item in found:
        f, ix, t = item["file"], item["interchange"], item["transaction"]
        lines.append(f"file #{f.get('id', '-')} {f.get('original_name')} sha256 {str(f.get('sha256', ''))[:16]}"
                     f" received {f.get('received_at', '-')}: {f.get('state', '-')} as {f.get('stored_as', '-')}")
        lines.append(f"  interchange ISA13 {ix['isa13']} from {ix['sender']} ({ix['usage']}): {ix['outcome']}"
                     f"{' TA1 ' + ix['ta1_note'] if ix['ta1_note'] else ''} at {ix['processed_at']}")
        g = item["group"]
        if g:
            codes = f" ({g['ak9_codes']})" if g["ak9_codes"] else ""
            lines.append(f"   group GS06 {t['gs06']}: AK9 {g['ak9_status']}{codes}, {g['sets_accepted']} of"
                         f" {g['sets_received']} set(s) accepted")
        reasons = " ".join(f"{c} {text}" for c, text in t["reasons"])
        lines.append(f"    GS06 {t['gs06']} ST02 {t['st02']} BGN02 {t['bgn02'] or '-'} account {t['account'] or '-'}:"
                     f" {t['outcome']}{' ' + reasons if reasons else ''}{' [' + t['rules'] + ']' if t['rules'] else ''}")
        if t["response_reference"]:
            lines.append(f"      our 814 response BGN02 {t['response_reference']}")
        for change in item["account_changes"]:
            lines.append(f"      {change['account']} [{change['rule']}] {change['event']}")
        for doc in item["documents"]:
            lines.append(f"      {doc['kind']:<10} {doc['file_name']} committed {doc['created_at']}"
                         f" sent {doc['sent_at'] or 'not yet'}")
    return lines


def verify_chain(conn: sqlite3.Connection) -> tuple[int, int | None]:
    """Recompute every outcome seal in order: (rows checked, the first row whose seal does not match or None)."""
    previous = ""
    checked = 0
    columns = ", ".join(SEALED_COLUMNS)
    for row in conn.execute(f"SELECT {columns}, seal FROM outcomes ORDER BY id"):
        checked += 1
        expected = outcome_seal(previous, row)
        if row["seal"] != expected:
            return checked, int(row["id"])
        previous = expected
    return checked, None
