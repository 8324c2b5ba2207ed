"""The store on a real PostgreSQL server: same schema, same answers, same words, and its settings checked."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from edi.batch.lock import StoreLock
from edi.commands import main
from edi.store.connection import StoreError, begin, begin_snapshot, commit, open_store, rollback, transaction
from edi.store.engine import DbError, IntegrityErrors
from edi.store.handle import queue_row
from edi.store.postgres import ANALYZE_AFTER
from edi.store.snapshot import SnapshotError, import_accounts
from tests.goldens import EXAMPLE
from tests.pg import Cluster, required
from tests.store_helpers import dump

DROP = Path(__file__).resolve().parent.parent / "fixtures" / "drop"


def _catalog_sqlite(path: Path) -> dict[str, list[str]]:
    conn = open_store(path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    found = {t: [str(r[1]) for r in conn.execute(f"SELECT * FROM pragma_table_info('{t}')")] for t in tables}
    found["(indexes)"] = sorted(
        str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    )
    return found


def _catalog_postgresql(url: str) -> dict[str, list[str]]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name <> 'store_version' ORDER BY table_name, ordinal_position"
        ).fetchall()
        found: dict[str, list[str]] = {}
        for table, column in rows:
            found.setdefault(table, []).append(column)
        found["(indexes)"] = sorted(
            r[0]
            for r in conn.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND indexname NOT LIKE '%_pkey'"
                " AND indexname NOT LIKE '%_key'"
            )
        )
    return found


def test_both_engines_have_the_same_tables_columns_and_indexes(tmp_path: Path, pg_url: str) -> None:
    assert _catalog_postgresql(pg_url) == _catalog_sqlite(tmp_path / "s.db")


def test_postgresql_runs_where_it_is_required(pg_cluster: Cluster) -> None:
    """CI sets SBO_EDI_PG_REQUIRED: there the PostgreSQL tests must run, never skip (the fixture fails instead)."""
    assert pg_cluster.started
    if required():
        assert shutil.which("runuser") or pg_cluster.folder.exists()


def test_an_empty_database_is_no_store_until_init(pg_cluster: Cluster) -> None:
    url = pg_cluster.database(empty=True)
    with pytest.raises(StoreError, match="no store"):
        open_store(url, create=False)
    conn = open_store(url, create=True)
    assert conn.execute("SELECT count(*) FROM sequences").fetchone()[0] == 5
    assert open_store(url, create=False).execute("SELECT value FROM settings WHERE key = 'utility_duns'").fetchone()


@pytest.mark.parametrize(
    ("option", "named"),
    [("synchronous_commit=off", "synchronous_commit"), ("default_transaction_isolation=serializable", "isolation")],
)
def test_unsafe_server_settings_are_refused(pg_url: str, option: str, named: str) -> None:
    with pytest.raises(StoreError, match=named):
        open_store(f"{pg_url}&options=-c%20{option}")


def test_a_password_never_shows_in_messages(pg_cluster: Cluster) -> None:
    url = f"postgresql://postgres:s3cret@/nosuchdb?host={pg_cluster.folder}"
    with pytest.raises(StoreError) as raised:
        open_store(url)
    assert "s3cret" not in str(raised.value)


def test_a_bad_snapshot_line_gets_the_same_words_on_both_engines(tmp_path: Path, pg_url: str) -> None:
    line = (EXAMPLE / "accounts.jsonl").read_text(encoding="utf-8").splitlines()[0]
    twice = tmp_path / "twice.jsonl"
    twice.write_text(f"{line}\n{line}\n", encoding="utf-8")
    messages = []
    for target in (str(tmp_path / "s.db"), pg_url):
        with pytest.raises(SnapshotError) as raised:
            import_accounts(open_store(target), twice)
        messages.append([e.describe() for e in raised.value.errors])
    assert messages[0] == messages[1]
    assert "already in the store (accounts.number)" in messages[1][0]


def test_engine_errors_are_the_stores_own(pg_url: str) -> None:
    conn = open_store(pg_url)
    with pytest.raises(IntegrityErrors):
        conn.execute("INSERT INTO settings VALUES ('utility_name', 'AGAIN')")
    with pytest.raises(DbError):
        conn.execute("SELECT no_such_column FROM settings")
    assert not conn.in_transaction


def test_a_rolled_back_transaction_leaves_nothing(pg_url: str) -> None:
    conn = open_store(pg_url)
    before = dump(conn)
    with pytest.raises(RuntimeError), transaction(conn):
        conn.execute("UPDATE settings SET value = 'X' WHERE key = 'utility_name'")
        conn.execute("UPDATE sequences SET next_value = 99 WHERE name = 'interchange'")
        raise RuntimeError("stop")
    assert dump(conn) == before


def test_several_workers_may_open_a_postgresql_store_at_once(pg_url: str) -> None:
    """D17: no store-wide process lock on PostgreSQL (each file is held by a claim instead)."""
    with StoreLock(pg_url), StoreLock(pg_url):
        pass


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def test_the_example_drop_on_postgresql_answers_as_on_sqlite(tmp_path: Path, pg_url: str) -> None:
    outputs = {}
    for engine, target in (("sqlite", str(tmp_path / "store.db")), ("postgresql", pg_url)):
        work = tmp_path / engine
        shutil.copytree(DROP, work / "inbox")
        assert _cli("init", "--db", target)[0] == 0
        for kind in ("suppliers", "calendar", "accounts"):
            assert _cli(kind, "import", str(EXAMPLE / f"{kind}.jsonl"), "--db", target)[0] == 0
        code, _ = _cli("process", "--inbox", str(work / "inbox"), "--outbox", str(work / "outbox"), "--db", target,
                       "--settle", "0", "--now", "2026-11-02T09:30")  # fmt: skip
        assert code == 0
        outputs[engine] = {p.name: p.read_bytes() for p in sorted((work / "outbox").iterdir())}
        code, text = _cli("status", "--db", target, "--json", "--now", "2026-11-02T09:31")
        assert json.loads(text)["engine"].startswith("SQLite" if engine == "sqlite" else "PostgreSQL")
        assert _cli("verify-audit", "--db", target)[0] == 0
    assert outputs["postgresql"] == outputs["sqlite"]
    assert len(outputs["sqlite"]) == 7


def test_a_new_store_holds_the_same_rows_on_both_engines(tmp_path: Path, pg_url: str) -> None:
    assert dump(open_store(pg_url)) == dump(open_store(tmp_path / "s.db"))


def test_write_transactions_follow_one_another_as_on_sqlite(pg_url: str) -> None:
    """BEGIN IMMEDIATE takes the store's writer lock: a second writer waits until the first ends."""
    first, second = open_store(pg_url), open_store(pg_url)
    begin(first)
    second.execute("SET lock_timeout = '300ms'")
    with pytest.raises(DbError, match="lock timeout"):
        begin(second)
    rollback(second)
    commit(first)
    begin(second)  # free again
    commit(second)
    begin_snapshot(first)  # a read transaction takes no writer lock
    begin(second)
    commit(second)
    rollback(first)


def test_a_table_that_grows_within_a_transaction_is_planned_with_its_new_size(pg_url: str) -> None:
    """Rows added past ANALYZE_AFTER refresh the table's statistics before the next read (else scans per lookup)."""
    conn = open_store(pg_url)
    begin(conn)
    for n in range(ANALYZE_AFTER + 10):
        queue_row(conn, "INSERT INTO timeline (account_number, at, rule, event) VALUES (?,?,?,?)",
                  (f"{n:010d}", "2026-11-02T09:30:00Z", "R7", "grown"))  # fmt: skip
    assert conn.execute("SELECT count(*) FROM timeline").fetchone()[0] == ANALYZE_AFTER + 10
    estimate = conn.execute("SELECT reltuples FROM pg_class WHERE relname = 'timeline'").fetchone()[0]
    assert estimate >= ANALYZE_AFTER
    plan = " ".join(r[0] for r in conn.execute("EXPLAIN SELECT * FROM timeline WHERE account_number = '0000000007'"))
    assert "Index" in plan
    commit(conn)
