"""Shared set-up for store tests: a fresh store with the example reference data and chosen accounts."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from edi.flows.inbound import FileProcessor, FileRun, RunSettings
from edi.store.connection import Db, open_store, table_names
from edi.store.snapshot import import_accounts, import_calendar, import_suppliers
from edi.times import zone
from tests.goldens import EXAMPLE

CENTRAL = zone()  # the utility's zone (O8)

NOW = datetime(2026, 11, 2, 9, 30, tzinfo=CENTRAL)
AS_OF = date(2026, 11, 2)


def example_accounts() -> dict[str, dict[str, Any]]:
    """The bundled example accounts by number."""
    lines = (EXAMPLE / "accounts.jsonl").read_text(encoding="utf-8").splitlines()
    return {json.loads(line)["number"]: json.loads(line) for line in lines}


def fresh_store(folder: Path, accounts: list[dict[str, Any]] | None = None, target: str | None = None) -> Db:
    """A new store with suppliers, calendar and ``accounts`` (default: every example account); ``target``: a URL."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = open_store(target or folder / "store.db")
    import_suppliers(conn, EXAMPLE / "suppliers.jsonl")
    import_calendar(conn, EXAMPLE / "calendar.jsonl")
    snapshot = folder / "accounts.jsonl"
    chosen = accounts if accounts is not None else list(example_accounts().values())
    snapshot.write_text("".join(json.dumps(a) + "\n" for a in chosen), encoding="utf-8")
    import_accounts(conn, snapshot)
    return conn


def replay(conn: sqlite3.Connection, path: Path, *, dry_run: bool = False) -> FileRun:
    """Run one file with the example clock."""
    return FileProcessor(conn, RunSettings(now=NOW, as_of=AS_OF, dry_run=dry_run)).run(path)


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, for before/after comparisons."""
    tables = table_names(conn)
    return {t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}")) for t in tables}


def undo_migration_12(conn: sqlite3.Connection) -> None:
    """Take out what migrations 12 and 13 added (edi/store/schema_later.py): a store as the code before left it."""
    conn.execute("DROP TABLE claims")
    conn.execute("ALTER TABLE accounts DROP COLUMN usage_released")
    conn.execute("ALTER TABLE res_payments DROP COLUMN remittance_id")
    conn.execute("ALTER TABLE res_payments DROP COLUMN beyond_open")
    conn.execute("DROP INDEX invoices_bill")
    conn.execute("DROP INDEX direct_bill_charges_bill")
    conn.execute("DROP INDEX usage_reports_reference")
    for table in ("usage_reports", "remittance_lines", "remittances", "remitters", "invoice_flags"):
        conn.execute(f"DROP TABLE {table}")
