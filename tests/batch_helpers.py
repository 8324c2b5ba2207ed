"""A drop folder, a store and a batch processor wired for tests (fixed clocks, no settling unless asked)."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edi.batch.processor import BatchProcessor, BatchSettings, Folders
from edi.batch.summary import Summary
from edi.store.connection import open_store
from tests.store_helpers import AS_OF, NOW, fresh_store

BUSINESS_TABLES = (
    "accounts",
    "service_points",
    "supply",
    "budget_plans",
    "past_due",
    "direct_bill_charges",
    "outcomes",
    "requests_seen",
    "timeline",
    "switch_notices",
    "interchanges",
    "groups_received",
    "outbox",
    "sequences",
    "remittances",
    "remittance_lines",
    "res_payments",
    "invoice_flags",
    "usage_reports",
)


def folders(root: Path) -> Folders:
    """inbox, outbox, archive, quarantine under ``root``."""
    f = Folders(root / "inbox", root / "outbox", root / "archive", root / "quarantine")
    f.inbox.mkdir(parents=True, exist_ok=True)
    return f


def settings(**overrides: Any) -> BatchSettings:
    """Fixed document clock, a wall clock far after any mtime, no settle wait."""
    values: dict[str, Any] = {
        "clock": lambda: NOW,
        "wall_clock": lambda: 4_000_000_000.0,
        "as_of": AS_OF,
        "settle_seconds": 0.0,
    }
    values.update(overrides)
    return BatchSettings(**values)


def prepared_store(root: Path) -> Path:
    """A store with the example suppliers, calendar and accounts; returns its path."""
    root.mkdir(parents=True, exist_ok=True)
    fresh_store(root).close()
    return root / "store.db"


def copy_store(template: Path, target_dir: Path) -> Path:
    """A copy of a prepared store (checkpointed, so the copy is complete)."""
    conn = sqlite3.connect(template)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    target_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target_dir / "store.db")
    return target_dir / "store.db"


def process(db: Path, f: Folders, *, failpoint: Callable[[str], None] = lambda _: None, **overrides: Any) -> Summary:
    """One pass over the inbox with a fresh connection."""
    conn = open_store(db)
    try:
        return BatchProcessor(conn, f, settings(**overrides), failpoint=failpoint).run_once()
    finally:
        conn.close()


def store_state(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The business tables and the ledger (without attempt counts and run ids), for comparisons."""
    conn = open_store(db)
    try:
        state = {t: sorted(tuple(r) for r in conn.execute(f"SELECT * FROM {t}")) for t in BUSINESS_TABLES}
        state["files"] = sorted(
            tuple(r)
            for r in conn.execute("SELECT id, original_name, sha256, size, state, reason, stored_as FROM files")
        )
        return state
    finally:
        conn.close()


def folder_state(path: Path) -> dict[str, bytes]:
    """Every file in a folder (dot files included, so stray temp files show)."""
    return {p.name: p.read_bytes() for p in sorted(path.iterdir())} if path.exists() else {}
