"""Issue 13: the INSERTs a decision adds are queued on the store's handle and run a statement's rows at a time.

What is queued must be exactly what a statement per row would have written, in the same order and with the same
ids, and visible to every later read; a rollback (or ROLLBACK TO a savepoint) drops it as the database would.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from edi.store import handle
from edi.store.connection import Db, begin, commit, open_store, rollback, savepoint
from edi.store.engine import IntegrityErrors
from edi.store.handle import StoreConnection, TransactionMemory, queue_row
from scripts.benchmark import build_store, generate
from tests.store_helpers import NOW

_TIMELINE = "INSERT INTO timeline (account_number, at, outcome_id, rule, event, detail) VALUES (?,?,?,?,?,?)"
_OTHER = "INSERT INTO timeline (account_number, at, rule, event) VALUES (?,?,?,?)"


def _row(n: int) -> tuple[object, ...]:
    return (f"{n:010d}", "2026-11-02T09:30:00", None, "R7", f"event {n}", "{}")


def _events(conn: Db) -> list[tuple[int, str]]:
    return [(int(r[0]), str(r[1])) for r in conn.execute("SELECT id, event FROM timeline ORDER BY id")]


def _store(target: str | Path) -> TransactionMemory:
    """A new store of either engine (the queue is the same mechanism on both)."""
    conn = open_store(target)
    assert isinstance(conn, TransactionMemory)
    return conn


def test_a_read_sees_every_row_queued_before_it(store_target: str) -> None:
    conn = _store(store_target)
    begin(conn)
    for n in range(3):
        queue_row(conn, _TIMELINE, _row(n))
    assert [e for _, e in _events(conn)] == ["event 0", "event 1", "event 2"]
    commit(conn)


def test_queued_rows_are_committed_and_seen_by_another_connection(store_target: str) -> None:
    conn = _store(store_target)
    begin(conn)
    for n in range(5):
        queue_row(conn, _TIMELINE, _row(n))
    commit(conn)
    assert open_store(store_target).execute("SELECT count(*) FROM timeline").fetchone()[0] == 5


def test_a_rollback_drops_what_was_queued(store_target: str) -> None:
    conn = _store(store_target)
    begin(conn)
    queue_row(conn, _TIMELINE, _row(1))
    rollback(conn)
    begin(conn)
    queue_row(conn, _TIMELINE, _row(2))
    rollback(conn)
    assert _events(conn) == []


def test_a_rollback_to_a_savepoint_drops_only_the_rows_queued_inside_it(store_target: str) -> None:
    conn = _store(store_target)
    begin(conn)
    queue_row(conn, _TIMELINE, _row(1))
    with savepoint(conn, "nested", keep=False):
        queue_row(conn, _TIMELINE, _row(2))
    with savepoint(conn, "kept"):
        queue_row(conn, _TIMELINE, _row(3))
    queue_row(conn, _TIMELINE, _row(4))
    commit(conn)
    assert [e for _, e in _events(conn)] == ["event 1", "event 3", "event 4"]


def test_two_statements_into_one_table_keep_the_order_and_ids_of_one_statement_per_row(store_target: str) -> None:
    conn = _store(store_target)
    begin(conn)
    for n in range(6):
        if n % 2:
            queue_row(conn, _OTHER, (f"{n:010d}", "2026-11-02T09:30:00", "R7", f"event {n}"))
        else:
            queue_row(conn, _TIMELINE, _row(n))
    commit(conn)
    assert _events(conn) == [(n + 1, f"event {n}") for n in range(6)]


def test_an_error_in_a_queued_row_fails_the_transaction_with_nothing_written(store_target: str) -> None:
    conn = _store(store_target)
    begin(conn)
    queue_row(conn, _TIMELINE, _row(1))
    queue_row(conn, _TIMELINE, ("0000000002", "2026-11-02T09:30:00", None, None, "no rule", "{}"))  # NOT NULL
    with pytest.raises(IntegrityErrors):
        commit(conn)
    rollback(conn)
    assert _events(conn) == []


def test_outside_a_transaction_a_row_is_written_at_once(store_target: str) -> None:
    conn = _store(store_target)
    queue_row(conn, _TIMELINE, _row(1))
    assert open_store(store_target).execute("SELECT count(*) FROM timeline").fetchone()[0] == 1


def test_the_queue_is_bounded_whatever_the_caller_queues(store_target: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(handle, "QUEUE_ROWS", 10)
    conn = _store(store_target)
    begin(conn)
    for n in range(25):
        queue_row(conn, _TIMELINE, _row(n))
        assert conn._queued_rows < 10
    commit(conn)
    assert len(_events(conn)) == 25


class _Counting(StoreConnection):
    """The store's handle, counting the statements its callers run (queued rows run without these calls)."""

    calls = 0

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        _Counting.calls += 1
        return super().execute(sql, parameters)


def test_an_enrollment_runs_its_inserts_a_block_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 13: the outcome, BGN02, supply, timeline and switch-notice rows are not a statement call each."""
    from edi.flows.inbound import FileProcessor, RunSettings
    from edi.store import connection

    sets = 1200
    db, drop = tmp_path / "s.db", tmp_path / "drop.edi"
    build_store(db, sets)
    generate(drop, sets)
    monkeypatch.setattr(connection, "StoreConnection", _Counting)
    conn = open_store(db)
    assert isinstance(conn, _Counting)
    _Counting.calls = 0
    FileProcessor(conn, RunSettings(now=NOW, as_of=date(2026, 11, 2))).run(drop)
    rows = conn.execute("SELECT (SELECT count(*) FROM outcomes) + (SELECT count(*) FROM timeline)").fetchone()[0]
    assert rows >= 2 * sets - sets / 10
    # a statement call each made about five per enrollment; what is left is the budget, summary and gas changes
    # (about one request in four here), which read or update the account and are run at once
    assert _Counting.calls < sets, _Counting.calls
