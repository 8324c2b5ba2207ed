"""What monitoring needs from ``status``: the facts, and the list of things a person should look at now.

``status`` exits 1 when that list is not empty: documents overdue a 997 (B13), files quarantined since the last
clean run, files stuck in processing, an inbox backlog older than the limit, a ``--watch`` worker gone silent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from edi.batch.intake import is_temporary
from edi.batch.lock import BatchError, StoreLock
from edi.store import advice, claims, queries, remittances
from edi.store.connection import Db, control_numbers_near_wrap, describe_target, engine_settings, shared
from edi.times import parse_stamp, stamp
from edi.transactions.documents import acknowledged_kinds


@dataclass(frozen=True)
class Limits:
    """When something needs a person."""

    overdue_hours: float = 48.0
    backlog_minutes: float = 60.0
    silent_beats: float = 3.0  # a watcher is silent after this many of its intervals without a beat


def _backlog(inbox: Path | None, now_seconds: float, limit_minutes: float) -> list[str]:
    """Files in the inbox older than the limit (names escaped: they are the partner's)."""
    if inbox is None or not inbox.is_dir():
        return []
    old = []
    for name in sorted(os.listdir(inbox)):
        path = inbox / name
        if not is_temporary(name) and path.is_file() and now_seconds - path.stat().st_mtime > limit_minutes * 60:
            old.append(name.encode("ascii", "backslashreplace").decode("ascii"))
    return old


def _worker_active(conn: Db, store: Path | str, now: datetime) -> bool:
    """A ``process`` holds the store's lock right now (on PostgreSQL: holds a file by a running claim, D17)."""
    if shared(conn):
        return bool(claims.live(conn, now))
    try:
        with StoreLock(store):
            return False
    except BatchError:
        return True


def _silent(beat: dict[str, Any] | None, now: datetime, limits: Limits) -> bool:
    if beat is None or not beat["watching"]:
        return False
    age = (now - parse_stamp(beat["beat_at"])).total_seconds()
    return age > max(60.0, limits.silent_beats * float(beat["interval_seconds"]))


def _remittance_line(row: dict[str, Any]) -> str:
    """D13: an 820 a person must look at (refused whole, or money that matched no open 810)."""
    if not row["applied"]:
        return f"820 #{row['id']} from {row['payer']} (TRN02 {row['trace']}) applied nothing: {row['reason']}"
    return (f"820 #{row['id']} from {row['payer']} (TRN02 {row['trace']}): {row['reported']} in"
            f" {row['lines_reported']} line(s) matched no open 810 (unknown invoice or excess); `sbo-edi remittances"
            f" reviewed {row['id']}` once dealt with")  # fmt: skip


def _flag_line(flag: dict[str, str]) -> str:
    """D14: an 810 an 824 rejected (or an 824 naming no 810 of its RES) until a rebill, an accept or a person."""
    why = " ".join(x for x in (flag["code"], flag["text"]) if x)
    if flag["verdict"] == advice.REPORTED:
        return f"{why} ({flag['invoice']}); `sbo-edi invoices clear-flag {flag['invoice']}` once dealt with"
    return (f"810 {flag['invoice']} rejected by an 824 ({flag['verdict']}: {why}): rebill it, or"
            f" `sbo-edi invoices clear-flag {flag['invoice']}`")  # fmt: skip


def health(conn: Db, store: Path | str, now: datetime, wall_seconds: float, *, inbox: Path | None = None,
           limits: Limits = Limits(), runs: int = 10) -> dict[str, Any]:  # fmt: skip
    """Every fact ``status`` shows, and ``attention``: what a person should look at (empty when all is well)."""
    overdue = queries.overdue_acknowledgments(conn, now - timedelta(hours=limits.overdue_hours), acknowledged_kinds())
    facts: dict[str, Any] = {
        "store": describe_target(store), "engine": engine_settings(conn), "checked_at": stamp(now),
        "worker_active": _worker_active(conn, store, now),
        "recent_runs": queries.recent_runs(conn, runs), "processing": queries.files_in_processing(conn),
        "fresh_quarantines": queries.fresh_quarantines(conn), "unsent_documents": queries.unsent_count(conn),
        "overdue_acknowledgments": overdue, "refused_documents": queries.refused_documents(conn, runs),
        "control_numbers_near_wrap": control_numbers_near_wrap(conn), "heartbeat": queries.heartbeat(conn),
        "inbox_backlog": _backlog(inbox, wall_seconds, limits.backlog_minutes),
        "remittances_to_review": remittances.unreviewed(conn),
        "invoice_flags": advice.open_flags(conn),
    }  # fmt: skip
    attention = [f"{len(facts['overdue_acknowledgments'])} document(s) with no 997 after {limits.overdue_hours:g} h"]
    attention += [f"{len(facts['fresh_quarantines'])} file(s) quarantined since the last clean run"]
    attention += [f"{len(facts['processing'])} file(s) stuck in processing"]
    attention += [f"{len(facts['inbox_backlog'])} file(s) waiting in the inbox over {limits.backlog_minutes:g} min"]
    stuck = bool(facts["processing"]) and not facts["worker_active"]  # a running worker's file is not stuck
    keep = [bool(overdue), bool(facts["fresh_quarantines"]), stuck, bool(facts["inbox_backlog"])]
    attention = [line for line, wanted in zip(attention, keep, strict=True) if wanted]
    if _silent(facts["heartbeat"], now, limits):
        attention.append(f"the --watch worker (pid {facts['heartbeat']['pid']}) has not beaten since"
                         f" {facts['heartbeat']['beat_at']}")  # fmt: skip
    attention += [_remittance_line(r) for r in facts["remittances_to_review"]]  # D13
    attention += [_flag_line(f) for f in facts["invoice_flags"]]  # D14
    facts["attention"] = attention + [f"control numbers near the wrap: {n}" for n in facts["control_numbers_near_wrap"]]
    return facts
