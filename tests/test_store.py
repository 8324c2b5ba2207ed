"""The store: migrations, durability settings, and all-or-nothing snapshot imports with per-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edi.store.connection import next_value, open_store, transaction
from edi.store.migrate import STEPS
from edi.store.snapshot import SnapshotError, import_accounts, import_calendar, import_suppliers
from tests.goldens import EXAMPLE
from tests.store_helpers import dump, example_accounts, fresh_store, undo_migration_12


def test_new_store_is_migrated_in_wal_with_full_sync(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(STEPS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
    conn.close()
    again = open_store(tmp_path / "s.db")  # reopening migrates nothing and loses nothing
    assert again.execute("SELECT value FROM settings WHERE key = 'utility_duns'").fetchone()[0] == "111111111"


def test_store_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    conn.execute(f"PRAGMA user_version = {len(STEPS) + 1}")
    conn.close()
    with pytest.raises(Exception, match="newer than this program"):
        open_store(tmp_path / "s.db")


def test_example_data_loads(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    assert conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == len(example_accounts())
    assert conn.execute("SELECT count(DISTINCT bill_group) FROM read_dates").fetchone()[0] == 21
    assert conn.execute("SELECT count(*) FROM bills WHERE account_number = '1000000001'").fetchone()[0] == 12


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_account_import_is_all_or_nothing_with_line_numbers(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path, accounts=[])
    good = json.dumps(example_accounts()["1000000001"])
    bad_number = json.dumps({**example_accounts()["1000000002"], "number": "12345"})
    bad_date = json.dumps({**example_accounts()["1000000003"], "due_date": "2026-02-30"})
    path = _write(tmp_path / "a.jsonl", [good, "{not json", bad_number, bad_date, good])
    before = dump(conn)
    with pytest.raises(SnapshotError) as caught:
        import_accounts(conn, path)
    messages = {e.line: e.message for e in caught.value.errors}
    assert set(messages) == {2, 3, 4, 5}
    assert "not JSON" in messages[2]
    assert messages[3].startswith("number:")
    assert "2026-02-30" in messages[4]
    assert "already in the store" in messages[5]
    assert dump(conn) == before  # nothing of the file is in the store


def test_supplier_and_calendar_imports_check_their_schemas(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    bad_supplier = _write(tmp_path / "s.jsonl", ['{"duns": "12", "name": "X", "billing_types": ["ESP"]}'])
    with pytest.raises(SnapshotError) as caught:
        import_suppliers(conn, bad_supplier)
    assert caught.value.errors[0].line == 1 and "duns" in caught.value.errors[0].message
    bad_calendar = _write(tmp_path / "c.jsonl", ['{"bill_group": 22, "reads": ["2026-11-02"]}'])
    with pytest.raises(SnapshotError):
        import_calendar(conn, bad_calendar)
    assert import_calendar(conn, EXAMPLE / "calendar.jsonl") == 28  # 21 groups, 7 holidays


def test_sequences_draw_once_and_a_rollback_returns_the_number(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    with transaction(conn, commit=False):
        assert next_value(conn, "interchange") == 1
    with transaction(conn):
        assert next_value(conn, "interchange") == 1
        assert next_value(conn, "interchange") == 2
    assert conn.execute("SELECT next_value FROM sequences WHERE name = 'interchange'").fetchone()[0] == 3


def test_unreadable_snapshot_is_an_error_not_a_crash(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(b'{"duns": "\xff"}\n')
    with pytest.raises(SnapshotError) as caught:
        import_suppliers(conn, path)
    assert "UTF-8" in caught.value.errors[0].message
    with pytest.raises(SnapshotError):
        import_suppliers(conn, tmp_path / "missing.jsonl")


def test_the_documented_account_example_loads(tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "docs" / "analysts.md").read_text(encoding="utf-8")
    block = re.search(r"```json\n(.*?)```", readme, re.S)
    assert block is not None
    line = json.dumps(json.loads(block.group(1)))
    conn = fresh_store(tmp_path, accounts=[])
    assert import_accounts(conn, _write(tmp_path / "readme.jsonl", [line])) == 1


def test_control_numbers_wrap_at_nine_digits_and_status_warns(tmp_path: Path) -> None:
    from edi.store.connection import StoreControlNumbers, control_number
    from edi.views.audit import status_lines

    assert [control_number(n) for n in (1, 999_999_999, 1_000_000_000, 1_000_000_001)] == [1, 999_999_999, 1, 2]
    conn = open_store(tmp_path / "s.db")
    conn.execute("UPDATE sequences SET next_value = 999999999 WHERE name = 'interchange'")
    assert any("near the 999,999,999 wrap" in line for line in status_lines(conn, 5))
    with transaction(conn):
        numbers = StoreControlNumbers(conn)
        assert (numbers.next_interchange(), numbers.next_interchange()) == (999_999_999, 1)


def test_a_store_on_a_network_file_system_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import edi.store.connection as connection
    from edi.store.connection import StoreError, filesystem_type

    mounts = "/dev/sda1 / ext4 rw 0 0\nserver:/export /mnt/share nfs4 rw 0 0\n"
    assert filesystem_type(Path("/mnt/share/db/s.db"), mounts) == "nfs4"
    assert filesystem_type(Path("/mnt/shared/s.db"), mounts) == "ext4"
    monkeypatch.setattr(connection, "filesystem_type", lambda path, mounts=None: "nfs")
    with pytest.raises(StoreError, match="network file system"):
        open_store(tmp_path / "s.db")


def test_a_busy_store_is_waited_for_not_failed(tmp_path: Path) -> None:
    import sqlite3
    import threading
    import time

    conn = open_store(tmp_path / "s.db")
    other = sqlite3.connect(tmp_path / "s.db", isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    release.start()
    started = time.monotonic()
    with transaction(conn):  # E4: busy_timeout, then the write goes through
        next_value(conn, "reference")
    assert time.monotonic() - started >= 0.4
    release.join()


def test_the_utility_identity_is_a_checked_setting(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cli import main

    db = ["--db", str(tmp_path / "s.db")]
    assert CliRunner().invoke(main, ["init", *db]).exit_code == 0
    assert CliRunner().invoke(main, ["settings", "set", "utility_duns", "1234", *db]).exit_code == 2
    assert CliRunner().invoke(main, ["settings", "set", "utility_qualifier", "99", *db]).exit_code == 2
    assert CliRunner().invoke(main, ["settings", "set", "nonsense", "x", *db]).exit_code == 2
    assert CliRunner().invoke(main, ["settings", "set", "utility_duns", "0061234560001", *db]).exit_code == 0
    shown = CliRunner().invoke(main, ["settings", "show", *db]).output
    assert "utility_duns = 0061234560001" in shown and "utility_qualifier = 01" in shown


def test_a_store_at_version_11_gains_migration_12_and_nothing_runs_twice(tmp_path: Path) -> None:
    from edi.store.migrate import STEPS, schema_version, utc_moments

    conn = fresh_store(tmp_path)
    assert schema_version(conn) == len(STEPS) and STEPS[10] is utc_moments  # 11 stays O8's UTC step
    undo_migration_12(conn)  # the landed code's store, at version 11
    conn.execute("PRAGMA user_version = 11")
    conn.execute("UPDATE runs SET started_at = '2026-11-02T09:30:00'")  # a naive time 11 would have converted
    conn.commit()
    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    conn.close()
    again = open_store(path)
    assert schema_version(again) == len(STEPS)
    assert again.execute("SELECT count(*) FROM accounts WHERE usage_released = 0").fetchone()[0] > 0
    assert again.execute("SELECT count(*) FROM usage_reports").fetchone()[0] == 0
    assert again.execute("SELECT count(*) FROM claims").fetchone()[0] == 0  # and 13
    assert {r[0] for r in again.execute("SELECT started_at FROM runs")} <= {"2026-11-02T09:30:00"}
