"""Issue 11: what an outside tester broke, each reproduced (every one of these failed on the code before)."""

from __future__ import annotations

import io
import os
import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
import structlog
from click.testing import CliRunner

import edi.batch.processor
from cli import main
from edi.batch.lock import BatchError, StoreLock
from edi.batch.logs import configure, event_sink
from edi.batch.processor import BatchProcessor
from edi.flows.delivery import open_regular
from edi.flows.inbound import FileProcessor, RunSettings
from edi.guides.files import validate_file
from edi.store.connection import open_store
from edi.x12.acks import AckSettings, CountingControlNumbers
from edi.x12.problems import MAX_ENVELOPE_ANSWERS, MAX_GROUPS
from scripts.hostile import group_flood, hostile_file, isa15_t_interchange, isa_flood, measure
from scripts.make_example_data import interchange, request
from tests.batch_helpers import folders, prepared_store, settings
from tests.store_helpers import AS_OF, NOW


@pytest.mark.parametrize("kind", ["validate", "process"])
@pytest.mark.parametrize("filler", ["X~", "~"], ids=["stray segments", "empty segments"])
def test_h1_hostile_content_costs_bounded_memory(tmp_path: Path, filler: str, kind: str) -> None:
    db = prepared_store(tmp_path / "s")
    small = measure(hostile_file(tmp_path, 1, filler), kind, db)
    large = measure(hostile_file(tmp_path, 4, filler), kind, db)
    # Before: about 240 MB per MiB (every stray byte a kept TA1:024 issue). Now the reader's 1 MiB chunk bounds it.
    assert float(large["peak_mb"]) < 100 and float(large["peak_mb"]) < float(small["peak_mb"]) + 40
    assert int(large["kept"]) <= 10_000
    assert large["acks"] == ["ta1"]  # the TA1 (R 024) still goes back to the registered sender


def test_h1_a_set_full_of_stray_segments_keeps_a_bounded_acknowledgment(tmp_path: Path) -> None:
    st = request("0001", "H1B", "1000000001")
    stray = ["X~"] * 50_000
    text = interchange(502, [[*st[:-1], *stray, st[-1]]])
    path = tmp_path / "set.edi"
    path.write_text(text)
    report = validate_file(path, AckSettings(NOW, CountingControlNumbers(1, 1)))
    ack = report.acks[0][1]
    assert ack.count("AK3*") <= 100 and "AK5*R*" in ack  # rejected; the AK3 detail stops at 100 loops
    assert report.to_json()["problems_omitted"] > 0


class Death(BaseException):
    """Stands for SIGKILL: nothing in the processor catches it (the SIGKILL tests do it for real)."""


def _pass(db: Path, f: object, die_at_set: int | None) -> object:
    conn = open_store(db)
    processor = BatchProcessor(conn, f, settings())  # type: ignore[arg-type]
    if die_at_set is not None:
        real = processor.marks.reached

        def reached(sets: int) -> None:
            real(sets)
            if sets == die_at_set:
                raise Death()

        processor.marks.reached = reached  # type: ignore[method-assign]
    try:
        return processor.run_once()
    except Death:
        return None
    finally:
        conn.close()


def _big_file(f: object, name: str) -> None:
    sets = [request(f"{n:04d}", f"BIG{n:05d}", "1000000001") for n in range(1, 41)]
    (f.inbox / name).write_text(interchange(601, sets))  # type: ignore[attr-defined]


def test_h2_a_file_killed_three_times_while_advancing_is_finished(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    _big_file(f, "big.edi")
    for where in (10, 20, 30):  # each kill further along (a new place every time)
        assert _pass(db, f, where) is None
    summary = _pass(db, f, None)
    assert summary.archived == 1 and summary.quarantined == 0  # type: ignore[attr-defined]
    assert not list(f.quarantine.iterdir())


def test_h2_a_file_killing_the_worker_at_the_same_place_is_quarantined(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    _big_file(f, "poison.edi")
    for _ in range(3):
        assert _pass(db, f, 17) is None
    summary = _pass(db, f, 17)
    assert summary.quarantined == 1  # type: ignore[attr-defined]
    (reason,) = [p.read_text() for p in f.quarantine.glob("*.reason")]
    assert "stopped 3 times in a row at the same place (after 17 transaction set(s))" in reason


@pytest.mark.parametrize("kind", ["symlink", "hard link"])
def test_h3_one_store_through_a_link_is_one_lock(tmp_path: Path, kind: str) -> None:
    db = prepared_store(tmp_path / "s")
    link = tmp_path / "other" / "link.db"
    link.parent.mkdir()
    (os.symlink if kind == "symlink" else os.link)(db, link)
    with StoreLock(db), pytest.raises(BatchError, match="another sbo-edi process"), StoreLock(link):
        pass
    with StoreLock(link):
        pass


def test_h4_a_fifo_never_blocks_the_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "swapped.edi"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        open_regular(fifo)
    run = FileProcessor(open_store(prepared_store(tmp_path / "s")), RunSettings(NOW, AS_OF)).run(fifo)
    assert run.read_failure == "unreadable"


def test_h4_a_fifo_swapped_in_after_the_scan_does_not_hang_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    target = f.inbox / "race.edi"
    target.write_text(interchange(602, [request("0001", "R1", "1000000001")]))

    def swap(candidate: object) -> bool:
        os.unlink(target)
        os.mkfifo(target)  # the rename race the tester won: a FIFO under the scanned name
        return True

    monkeypatch.setattr(edi.batch.processor, "still_settled", swap)
    done = threading.Event()
    thread = threading.Thread(target=lambda: (_pass(db, f, None), done.set()), daemon=True)
    thread.start()
    thread.join(30)
    if not done.is_set():
        with open(target, "wb"):  # unblock the reader so the thread can end
            pass
    assert done.is_set()


CANARY_ACCOUNT = "7318640295"
CANARY_NAME = "ZELDA_QUIXOTE"


def test_h5_file_names_and_database_errors_never_reach_the_logs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / f"d_{CANARY_ACCOUNT}_{CANARY_NAME}.edi").write_text(
        interchange(603, [request("0001", "C1", "1000000001")])
    )
    import edi.store.ledger as ledger

    def failing(*args: object, **kw: object) -> bool:
        raise sqlite3.OperationalError(f"disk I/O error near account {CANARY_ACCOUNT} of {CANARY_NAME}")

    monkeypatch.setattr(ledger, "interchange_committed", failing)
    stream = io.StringIO()
    configure(stream, as_json=True)
    monkeypatch.setattr("edi.commands.runs.event_sink", lambda: event_sink(structlog.get_logger("t")))
    monkeypatch.setattr("edi.commands.runs.configure", lambda *a, **kw: None)
    result = CliRunner().invoke(
        main,
        [
            "process",
            "--inbox",
            str(f.inbox),
            "--outbox",
            str(f.outbox),
            "--db",
            str(db),
            "--settle",
            "0",
            "--now",
            "2026-11-02T09:30",
        ],
    )
    everything = stream.getvalue() + result.output + (result.stderr if result.stderr_bytes else "")
    assert result.exit_code == 1 and "error: the run stopped: OperationalError" in everything
    assert CANARY_ACCOUNT not in everything and CANARY_NAME not in everything
    assert '"file": "#1"' in stream.getvalue()


def test_h6_no_transaction_event_for_work_that_was_rolled_back(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    _big_file(f, "big.edi")
    events: list[tuple[str, dict[str, object]]] = []
    conn = open_store(db)

    def die(name: str) -> None:
        if name == "rules_applied":
            raise Death()

    processor = BatchProcessor(conn, f, settings(), events=lambda e, **kw: events.append((e, kw)), failpoint=die)
    with pytest.raises(Death):
        processor.run_once()
    assert [e for e, _ in events if e == "transaction"] == []
    conn.close()
    logged: list[tuple[str, dict[str, object]]] = []
    conn = open_store(db)
    BatchProcessor(conn, f, settings(), events=lambda e, **kw: logged.append((e, kw))).run_once()
    transactions = [kw for e, kw in logged if e == "transaction"]
    stored = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
    assert len(transactions) == stored == 40
    assert all(str(kw["account"]).startswith("******") for kw in transactions)


def test_h7_verify_finds_archived_interchanges_the_ledger_lost(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    two = interchange(604, [request("0001", "V1", "1000000001")]) + interchange(
        605, [request("0001", "V2", "1000000003")]
    )
    (f.inbox / "two.edi").write_text(two)
    assert _pass(db, f, None).archived == 1  # type: ignore[attr-defined]
    args = ["verify", "--db", str(db), "--archive", str(f.archive)]
    healthy = CliRunner().invoke(main, args)
    assert healthy.exit_code == 0, healthy.output
    assert "1 archived and 0 quarantined file(s), 2 outcome row(s) checked: no problem(s)" in healthy.output
    conn = sqlite3.connect(db)  # a disk that lost the last commit: the store is behind the archive
    last = conn.execute("SELECT max(id) FROM interchanges").fetchone()[0]
    for table, column in (("outcomes", "interchange_id"), ("groups_received", "interchange_id"), ("outbox",
                          "interchange_id"), ("interchanges", "id")):  # fmt: skip
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (last,))
    conn.commit()
    (f.archive / "00000099-stranger.x12").write_text("not ours")
    broken = CliRunner().invoke(main, args)
    assert broken.exit_code == 1
    assert "file #1: holds 2 interchange(s), the ledger records 1; 1 were never processed" in broken.output
    assert "00000099-stranger.x12: in the archive but not in the ledger" in broken.output


def test_process_exits_1_when_a_file_was_quarantined(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    args = ["process", "--inbox", str(f.inbox), "--outbox", str(f.outbox), "--db", str(db), "--settle", "0"]
    (f.inbox / "good.edi").write_text(interchange(606, [request("0001", "Q1", "1000000001")]))
    assert CliRunner().invoke(main, args).exit_code == 0
    (f.inbox / "garbage.edi").write_bytes(b"\x00" * 40)
    quarantined = CliRunner().invoke(main, args)
    assert quarantined.exit_code == 1 and "1 quarantined" in quarantined.output


def test_i8_verify_reconciles_the_quarantine_folder(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / "garbage.edi").write_bytes(b"\x00" * 40)
    (f.inbox / "junk.edi").write_bytes(b"not x12 at all " * 4)
    _pass(db, f, None)
    args = ["verify", "--db", str(db), "--archive", str(f.archive), "--quarantine", str(f.quarantine)]
    healthy = CliRunner().invoke(main, args)
    assert healthy.exit_code == 0, healthy.output
    assert "0 archived and 2 quarantined file(s)" in healthy.output
    first, second = sorted(p for p in f.quarantine.iterdir() if not p.name.endswith(".reason"))
    first.unlink()  # a lying disk: the file is gone
    Path(f"{second}.reason").unlink()  # and a reason lost
    (f.quarantine / "00000077-stranger.x12").write_text("not ours")
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM files WHERE stored_as = ?", (second.name,))  # and the store lost a record
    conn.commit()
    broken = CliRunner().invoke(main, args)
    assert broken.exit_code == 1
    assert f"quarantined as {first.name}, not in {f.quarantine}" in broken.output
    assert f"{second.name}: in the quarantine but not in the ledger" in broken.output
    assert "00000077-stranger.x12: in the quarantine but not in the ledger" in broken.output


def test_i8_verify_and_verify_audit_run_the_store_integrity_check(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    args = ["verify", "--db", str(db), "--archive", str(f.archive)]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert CliRunner().invoke(main, ["verify-audit", "--db", str(db)]).exit_code == 0
    conn = sqlite3.connect(db)
    (name, table, sql) = conn.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index'"
                                      " AND sql IS NOT NULL AND tbl_name = 'accounts' LIMIT 1").fetchone()  # fmt: skip
    other = next(c[1] for c in conn.execute(f"PRAGMA table_info({table})") if f"({c[1]}" not in sql)
    conn.execute("PRAGMA writable_schema = ON")  # an index whose entries no longer match its table
    conn.execute("UPDATE sqlite_master SET sql = ? WHERE name = ?", (f"CREATE INDEX {name} ON {table}({other})", name))
    conn.commit()
    conn.close()
    broken = CliRunner().invoke(main, args)
    assert broken.exit_code == 1 and "fails its integrity check" in broken.output, broken.output
    audit = CliRunner().invoke(main, ["verify-audit", "--db", str(db)])
    assert audit.exit_code == 1 and "fails its integrity check" in audit.output


@pytest.mark.parametrize("kind", ["validate", "process"])
def test_i1_memory_stays_flat_in_the_number_of_functional_groups(tmp_path: Path, kind: str) -> None:
    db = prepared_store(tmp_path / "s")
    small = measure(group_flood(tmp_path, 20_000), kind, db)
    large = measure(group_flood(tmp_path, 100_000), kind, db)
    # Before: about 2.5 KB a group (250 MB for these 100,000) and a 997 with an AK1/AK9 for each.
    assert float(large["peak_mb"]) < 100 and float(large["peak_mb"]) < float(small["peak_mb"]) + 20
    assert large["acks"] == ["ta1"]  # one TA1 R 024 rejects the interchange whole


def test_i1_the_group_limit_rejects_the_interchange_by_one_ta1(tmp_path: Path) -> None:
    report = validate_file(group_flood(tmp_path, MAX_GROUPS + 1), AckSettings(NOW, CountingControlNumbers()))
    ((kind, text),) = report.acks
    assert kind == "ta1" and "*R*024~" in text and "GS*" not in text
    assert any(f"more than {MAX_GROUPS} functional groups" in i.message for i in report.issues)
    assert validate_file(group_flood(tmp_path, MAX_GROUPS), AckSettings(NOW, CountingControlNumbers())).clean


def test_i2_a_test_interchange_costs_the_memory_of_a_production_one(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    test = isa15_t_interchange(tmp_path, 30_000)
    production = tmp_path / "production.edi"
    production.write_text(test.read_text().replace("*T*>~", "*P*>~", 1))
    shutil.copyfile(db, tmp_path / "p.db")
    shutil.copyfile(db, tmp_path / "t.db")
    as_test = measure(test, "process", tmp_path / "t.db")
    as_production = measure(production, "process", tmp_path / "p.db")
    # Before: every set's outcome and answer held until the rollback (about 1 KB a set more than production).
    assert float(as_test["peak_mb"]) < float(as_production["peak_mb"]) + 15, (as_test, as_production)
    answers = [kind for kind in as_production["acks"] if kind != "814-drop"]  # a test changes nobody else
    assert sorted(as_test["acks"]) == sorted(answers)  # the same answers to the sender, with ISA15 T


def test_i3_at_most_100_ta1s_for_a_file_of_bare_isas_and_the_rest_is_quarantined(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    shutil.copy(isa_flood(tmp_path, 300), f.inbox / "isas.edi")
    summary = _pass(db, f, None)
    assert summary.quarantined == 1  # type: ignore[attr-defined]
    assert len(list(f.outbox.glob("*.ta1"))) == MAX_ENVELOPE_ANSWERS
    assert "FILE:TOO_MANY_REJECTED" in next(f.quarantine.glob("*.reason")).read_text()
    report = validate_file(isa_flood(tmp_path, 300), AckSettings(NOW, CountingControlNumbers()))
    assert len(report.acks) == MAX_ENVELOPE_ANSWERS and report.rejected_interchanges == MAX_ENVELOPE_ANSWERS
    assert any(i.code == "FILE:TOO_MANY_REJECTED" for i in report.issues)
