"""The audit trail read back: ``status`` (recent runs) and ``explain`` (one transaction's whole path)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from edi.naming import mask_account
from edi.store import advice, queries, remittances
from edi.store.connection import Db, control_numbers_near_wrap
from edi.transactions.documents import acknowledged_kinds


def _run_line(run: dict[str, Any]) -> str:
    s = run["summary"]
    rejected = ", ".join(f"{k} {v}" for k, v in s.get("rejected_by_code", {}).items()) or "none"
    return (
        f"  #{run['id']} {run['started_at']} .. {run['finished_at'] or '-'} {run['state']}: "
        f"{s.get('files', 0)} file(s) ({s.get('quarantined', 0)} quarantined), "
        f"{s.get('transactions', 0)} transaction(s), {s.get('accepted', 0)} accepted, rejected: {rejected}"
    )


def _acknowledgment_lines(conn: Db, count: int, now: datetime, overdue_hours: float) -> list[str]:
    overdue = queries.overdue_acknowledgments(conn, now - timedelta(hours=overdue_hours), acknowledged_kinds())
    lines = [f"documents sent more than {overdue_hours:g} h ago with no 997 back (B13): {len(overdue)}"]
    lines += [f"  {r['file_name']} sent {r['sent_at']}" for r in overdue[:count]]
    lines += [
        f"  {r['file_name']}: the partner's 997 says AK9 {r['ack_status']}"
        for r in queries.refused_documents(conn, count)
    ]
    return lines


def status_lines(conn: Db, count: int, now: datetime | None = None, overdue_hours: float = 48.0) -> list[str]:
    """Recent runs with their summaries, files in processing, quarantined files, unsent and unacknowledged documents."""
    runs = queries.recent_runs(conn, count)
    lines = ["recent runs:", *([_run_line(r) for r in runs] or ["  (none)"])]
    waiting = queries.files_in_processing(conn)
    lines.append(f"files in processing (interrupted, resumed by the next run): {len(waiting)}")
    lines += [f"  #{r['id']} {r['original_name']} (attempts {r['attempts']})" for r in waiting]
    quarantined = queries.quarantined_files(conn, count)
    lines.append(f"recently quarantined: {len(quarantined)}")
    lines += [f"  #{r['id']} {r['original_name']} (as {r['stored_as']}): {r['reason']}" for r in quarantined]
    lines.append(f"documents committed but not yet written to the outbox folder: {queries.unsent_count(conn)}")
    if now is not None:
        lines += _acknowledgment_lines(conn, count, now, overdue_hours)
    near = control_numbers_near_wrap(conn)
    if near:
        lines.append(f"WARNING: control numbers near the 999,999,999 wrap: {', '.join(near)}")
    return lines


def _transaction(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "gs06": row["group_control"],
        "st02": row["st02"],
        "bgn02": row["request_id"],
        "supplier": row["supplier_duns"],
        "account": mask_account(row["account_number"]),
        "outcome": row["outcome"],
        "rules": row["rules"],
        "reasons": json.loads(row["reasons"]),
        "changes": json.loads(row["changes"]),
        "response_reference": row["response_reference"],
    }


def _path(conn: Db, row: dict[str, Any]) -> dict[str, Any]:
    """One transaction's whole path: file, interchange, group, outcome, account changes, documents."""
    file_row = queries.file_row(conn, row["file_id"]) if row["file_id"] else None
    group = queries.group_row(conn, row["interchange_id"], row["group_control"])
    return {
        "file": file_row or {"original_name": row["source_file"]},
        "interchange": {
            "sender": row["sender_id"],
            "isa13": row["isa13"],
            "usage": row["usage"],
            "outcome": row["interchange_outcome"],
            "ta1_note": row["ta1_note"],
            "processed_at": row["interchange_at"],
        },
        "group": group or {},
        "transaction": _transaction(row),
        "documents": queries.interchange_documents(conn, row["interchange_id"]),
        "account_changes": [
            {
                "account": mask_account(t["account_number"]),
                "rule": t["rule"],
                "event": t["event"],
                "detail": json.loads(t["detail"]),
            }
            for t in queries.outcome_timeline(conn, row["id"])
        ],
        "remittance": remittances.outcome_money(conn, row["id"]),  # D13: an 820's lines
        "flags": advice.outcome_flags(conn, row["id"]),  # D14: an 824's flags
    }


def explain(conn: Db, key: str) -> list[dict[str, Any]]:
    """Every transaction set whose interchange ISA13 or request BGN02 is ``key``, with its whole path."""
    return [_path(conn, row) for row in queries.transactions_by_key(conn, key)]


def _money_line(line: dict[str, str]) -> str:
    """One 820 line as explain prints it (or the reason the whole 820 applied nothing)."""
    if not line["invoice"]:
        return f"      820 applied nothing: {line['refused']}"
    return (f"      820 line {line['line']}: {line['invoice']} {line['status']}, applied {line['applied']},"
            f" reported {line['reported']}")  # fmt: skip


def _item_lines(item: dict[str, Any]) -> list[str]:
    f, ix, t, g = item["file"], item["interchange"], item["transaction"], item["group"]
    lines = [
        f"file #{f.get('id', '-')} {f.get('original_name')} sha256 {str(f.get('sha256', ''))[:16]}"
        f" received {f.get('received_at', '-')}: {f.get('state', '-')} as {f.get('stored_as', '-')}",
        f"  interchange ISA13 {ix['isa13']} from {ix['sender']} ({ix['usage']}): {ix['outcome']}"
        f"{' TA1 ' + ix['ta1_note'] if ix['ta1_note'] else ''} at {ix['processed_at']}",
    ]
    if g:
        codes = f" ({g['ak9_codes']})" if g["ak9_codes"] else ""
        lines.append(
            f"   group GS06 {t['gs06']}: AK9 {g['ak9_status']}{codes}, {g['sets_accepted']} of"
            f" {g['sets_received']} set(s) accepted"
        )
    reasons = " ".join(f"{c} {text}" for c, text in t["reasons"])
    lines.append(
        f"    GS06 {t['gs06']} ST02 {t['st02']} BGN02 {t['bgn02'] or '-'} account {t['account'] or '-'}:"
        f" {t['outcome']}{' ' + reasons if reasons else ''}{' [' + t['rules'] + ']' if t['rules'] else ''}"
    )
    if t["response_reference"]:
        lines.append(f"      our 814 response BGN02 {t['response_reference']}")
    lines += [f"      {c['account']} [{c['rule']}] {c['event']}" for c in item["account_changes"]]
    lines += [_money_line(m) for m in item.get("remittance", [])]
    lines += [
        f"      824 {f['verdict']} on {f['invoice']}: {f['code']} {f['text']}"
        f" ({'closed: ' + f['closed_by'] if f['closed_by'] else 'open'})"
        for f in item.get("flags", [])
    ]
    lines += [
        f"      {d['kind']:<10} {d['file_name']} committed {d['created_at']} sent {d['sent_at'] or 'not yet'}"
        for d in item["documents"]
    ]
    return lines


def explain_lines(found: list[dict[str, Any]]) -> list[str]:
    """The terminal view of ``explain``."""
    return [line for item in found for line in _item_lines(item)]
