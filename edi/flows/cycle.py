"""Closing a bill group's read cycle: what falls due at a scheduled read (D3's 814 change to SBO)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime

from edi.flows.delivery import Output, send_to_supplier
from edi.naming import mask_account
from edi.store.connection import StoreError, next_value, setting
from edi.transactions.tx814 import SwitchNotice, Utility, change_body
from edi.x12.writer import TransactionSet, render_set


@dataclass
class CycleClose:
    """What closing one group's read produced."""

    bill_group: int
    read_date: date
    switched: list[str] = field(default_factory=list)  # masked account numbers
    outputs: list[Output] = field(default_factory=list)
    already_closed: bool = False


def close_cycle(conn: sqlite3.Connection, group: int, read_date: date, now: datetime) -> CycleClose:
    """Advance ``group`` past ``read_date``: switch due off-cycle accounts to SBO and owe each RES its 814 changes.

    Runs in the caller's transaction. Closing the same read again emits nothing new.
    """
    scheduled = conn.execute("SELECT 1 FROM read_dates WHERE bill_group = ? AND read_date = ?",
                             (group, read_date.isoformat())).fetchone()
    if scheduled is None:
        raise StoreError(f"{read_date} is not a scheduled read of bill group {group}")
    result = CycleClose(group, read_date)
    closed = conn.execute("INSERT OR IGNORE INTO cycle_closes VALUES (?, ?, ?)",
                          (group, read_date.isoformat(), now.isoformat(timespec="seconds")))
    result.already_closed = closed.rowcount == 0
    due = conn.execute(
        "SELECT n.*, s.name AS supplier_name FROM switch_notices n JOIN suppliers s ON s.duns = n.supplier_duns"
        " WHERE n.bill_group = ? AND n.switch_date <= ? AND n.sent_on IS NULL ORDER BY n.supplier_duns, n.id",
        (group, read_date.isoformat())).fetchall()
    utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))
    by_supplier: dict[str, list[sqlite3.Row]] = {}
    for row in due:
        by_supplier.setdefault(row["supplier_duns"], []).append(row)
    for duns, rows in by_supplier.items():
        sets = []
        for number, row in enumerate(rows, start=1):
            notice = SwitchNotice(row["account_number"], duns, row["supplier_name"], row["supplier_account"],
                                  date.fromisoformat(row["switch_date"]), row["request_id"])
            reference = f"AIC{next_value(conn, 'reference'):012d}"
            body = change_body(notice, utility=utility, reference=reference, today=now.date())
            sets.append(render_set(TransactionSet("814", f"{number:04d}", body)))
            conn.execute("UPDATE switch_notices SET sent_on = ? WHERE id = ?", (now.date().isoformat(), row["id"]))
            conn.execute(
                "INSERT INTO timeline (account_number, at, outcome_id, rule, event, detail) VALUES (?,?,?,?,?,?)",
                (row["account_number"], now.isoformat(timespec="seconds"), row["outcome_id"], "R7+D3",
                 "first bill period closed: billing option now SBO (ESP/DUAL); 814 change sent to the RES",
                 json.dumps({"switch_date": row["switch_date"], "reference": reference, "read_date":
                             read_date.isoformat()}, sort_keys=True)))
            result.switched.append(mask_account(row["account_number"]))
        result.outputs.append(send_to_supplier(conn, duns, "GE", "814-change", sets, now))
    return result
