"""Issue 12: safe to run every night, easy to watch, easy to put right (each test failed on the code before)."""

from __future__ import annotations

import io
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
import structlog
from click.testing import CliRunner

from cli import main
from edi.batch.logs import configure, event_sink
from edi.batch.processor import BatchProcessor
from edi.store import queries
from edi.store.connection import open_store
from edi.times import zone
from scripts.make_example_data import interchange, request
from tests.batch_helpers import folders, prepared_store, settings
from tests.goldens import EXAMPLE

CENTRAL = zone()  # the utility's zone (O8)

BUDGET = "1000000002"  # the example account on budget billing with a balance due (R2)


def _enrolled(tmp_path: Path) -> str:
    db = prepared_store(tmp_path / "s")
    source = tmp_path / "in.edi"
    source.write_text(interchange(701, [request("0001", "OPS1", BUDGET)]))
    result = CliRunner().invoke(main, ["replay", str(source), "--db", str(db), "--now", "2026-11-02T09:30"])
    assert result.exit_code == 0, result.output
    return str(db)


def test_1_invoice_refuses_a_period_that_is_not_a_bill_period(tmp_path: Path) -> None:
    db = _enrolled(tmp_path)
    direct = tmp_path / "direct"
    for period in ("2026-12-09:2026-11-10", "2026-11-01:2026-11-30", "2026-11-10:2027-01-12"):
        wrong = CliRunner().invoke(main, ["invoice", "--group", "7", "--period", period, "--db", db,
                                          "--direct-bills", str(direct), "--now", "2026-12-10T06:00"])  # fmt: skip
        assert wrong.exit_code == 2 and "nothing was invoiced" in wrong.output, wrong.output
        assert not direct.exists()  # nothing written, no budget balance used up
    right = CliRunner().invoke(main, ["invoice", "--group", "7", "--period", "2026-11-10:2026-12-09", "--db", db,
                                      "--direct-bills", str(direct), "--now", "2026-12-10T06:00"])  # fmt: skip
    assert right.exit_code == 0, right.output
    lines = [json.loads(line) for p in direct.iterdir() for line in p.read_text().splitlines()]
    assert [(line["account"], line["kind"]) for line in lines] == [(BUDGET, "budget balance due")]
    shown = CliRunner().invoke(main, ["accounts", "show", BUDGET, "--db", db, "--json"])
    (charge,) = json.loads(shown.output)["direct_bill_charges"]
    assert charge["billed_in"] == "g07:2026-11-10:2026-12-09"  # accounts show says which direct bill carried it


class _BrokenPipe(io.StringIO):
    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_2_a_broken_log_pipe_never_changes_what_happens_to_a_file(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / "good.edi").write_text(interchange(702, [request("0001", "PIPE1", "1000000001")]))
    configure(_BrokenPipe(), as_json=True)
    conn = open_store(db)
    summary = BatchProcessor(conn, f, settings(), events=event_sink(structlog.get_logger("t"))).run_once()
    structlog.reset_defaults()
    assert summary.archived == 1 and summary.quarantined == 0
    assert [tuple(r) for r in conn.execute("SELECT state FROM runs")] == [("finished",)]


def test_2_an_environment_error_is_recorded_as_an_aborted_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / "good.edi").write_text(interchange(703, [request("0001", "AB1", "1000000001")]))

    def full(*args: object, **kw: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("edi.flows.delivery.outputs.write_atomically", full)
    conn = open_store(db)
    with pytest.raises(OSError):
        BatchProcessor(conn, f, settings()).run_once()
    state, summary = conn.execute("SELECT state, summary FROM runs").fetchone()
    assert state == "aborted" and "errno 28" in json.loads(summary)["reason"]
    assert list(f.inbox.iterdir()) == [f.inbox / "good.edi"]  # not quarantined: not the file's fault


def test_5_a_scan_with_nothing_to_do_leaves_no_run_row(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    conn = open_store(db)
    for _ in range(3):
        BatchProcessor(conn, folders(tmp_path), settings()).run_once()
    assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 0


def test_3_a_mistyped_store_is_an_error_never_a_new_store(tmp_path: Path) -> None:
    missing = tmp_path / "nope" / "x.db"
    (tmp_path / "in").mkdir()
    source = tmp_path / "in.edi"
    source.write_text(interchange(704, [request("0001", "T3", "1000000001")]))
    for args in (["replay", str(source), "--dry-run"], ["status"], ["explain", "T3"], ["accounts", "show", BUDGET],
                 ["accounts", "import", str(source)], ["process", "--inbox", str(tmp_path / "in"), "--outbox",
                                                        str(tmp_path / "out")]):  # fmt: skip
        result = CliRunner().invoke(main, [*args, "--db", str(missing)])
        assert result.exit_code == 2, (args, result.output)
        assert f"there is no store at {missing}" in result.output or "no store" in result.output, result.output
        assert not missing.exists() and not missing.parent.exists()
    created = CliRunner().invoke(main, ["init", "--db", str(missing)])
    assert created.exit_code == 0 and "created" in created.output and missing.is_file()
    again = CliRunner().invoke(main, ["init", "--db", str(missing)])
    assert again.exit_code == 0 and "already there" in again.output


@pytest.mark.parametrize("outbox", ["inbox", "inbox/out"], ids=["same folder", "inside the inbox"])
def test_7_overlapping_folders_are_refused(tmp_path: Path, outbox: str) -> None:
    db = prepared_store(tmp_path / "s")
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.edi").write_text(interchange(705, [request("0001", "F7", "1000000001")]))
    result = CliRunner().invoke(main, ["process", "--inbox", str(tmp_path / "inbox"), "--outbox",
                                       str(tmp_path / outbox), "--db", str(db), "--settle", "0"])  # fmt: skip
    assert result.exit_code == 2 and "overlap" in result.output
    assert (tmp_path / "inbox" / "a.edi").exists()


def _processed(tmp_path: Path, files: dict[str, str | bytes]) -> tuple[Path, list[str]]:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    for name, content in files.items():
        (f.inbox / name).write_bytes(content.encode() if isinstance(content, str) else content)
    args = ["--db", str(db)]
    CliRunner().invoke(main, ["process", "--inbox", str(f.inbox), "--outbox", str(f.outbox), *args, "--settle", "0",
                              "--now", "2026-11-02T09:30", "--metrics", str(tmp_path / "sbo.prom")])  # fmt: skip
    return db, args


def test_5_status_json_and_exit_codes_drive_monitoring(tmp_path: Path) -> None:
    good = interchange(706, [request("0001", "S5", "1000000001")])
    db, args = _processed(tmp_path / "healthy", {"good.edi": good})
    healthy = CliRunner().invoke(main, ["status", *args, "--json", "--now", "2026-11-02T10:00"])
    assert healthy.exit_code == 0, healthy.output
    facts = json.loads(healthy.output)
    assert facts["attention"] == [] and facts["store"] == str(db) and facts["recent_runs"][0]["state"] == "finished"
    overdue = CliRunner().invoke(main, ["status", *args, "--now", "2026-11-05T10:00"])  # our 814 sent 3 days ago
    assert overdue.exit_code == 1 and "ATTENTION" in overdue.output and "with no 997 after 48 h" in overdue.output
    _, bad_args = _processed(tmp_path / "quarantine", {"garbage.edi": b"\x00" * 50})
    quarantined = CliRunner().invoke(main, ["status", *bad_args, "--now", "2026-11-02T10:00"])
    assert quarantined.exit_code == 1 and "1 file(s) quarantined since the last clean run" in quarantined.output


def test_5_a_silent_watcher_and_an_old_inbox_file_need_a_person(tmp_path: Path) -> None:
    db, args = _processed(tmp_path, {"good.edi": interchange(707, [request("0001", "S6", "1000000001")])})
    conn = open_store(db)
    queries.beat(conn, 4242, datetime(2026, 11, 2, 9, 30, tzinfo=CENTRAL), 10.0, watching=True)
    silent = CliRunner().invoke(main, ["status", *args, "--now", "2026-11-02T09:45"])
    assert silent.exit_code == 1 and "the --watch worker (pid 4242) has not beaten since" in silent.output
    queries.beat(conn, 4242, datetime(2026, 11, 2, 9, 45, tzinfo=CENTRAL), 10.0, watching=False)  # a clean stop
    old = tmp_path / "waiting"
    old.mkdir()
    (old / "late.edi").write_text("x")
    os.utime(old / "late.edi", (0, 0))
    backlog = CliRunner().invoke(main, ["status", *args, "--now", "2026-11-02T09:45", "--inbox", str(old)])
    assert backlog.exit_code == 1 and "1 file(s) waiting in the inbox over 60 min" in backlog.output


def test_5_metrics_textfile_after_a_run(tmp_path: Path) -> None:
    _processed(tmp_path, {"good.edi": interchange(708, [request("0001", "S7", "1000000001")])})
    text = (tmp_path / "sbo.prom").read_text()
    assert 'sbo_edi_last_run_files{disposition="archived"} 1.0' in text
    assert 'sbo_edi_last_run_transactions{outcome="accepted"} 1.0' in text
    assert "sbo_edi_overdue_acknowledgments 0.0" in text and "sbo_edi_last_run_duration_seconds" in text


def test_4_requeue_resend_and_purge_put_things_right(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    newcomer = ("NEW RES LLC", "333333333")
    (f.inbox / "early.edi").write_text(interchange(709, [request("0001", "RQ1", "1000000001", supplier=newcomer)],
                                                   sender=newcomer))  # fmt: skip
    base = ["--db", str(db), "--now", "2026-11-02T09:30"]
    run = ["process", "--inbox", str(f.inbox), "--outbox", str(f.outbox), "--archive", str(f.archive),
           "--quarantine", str(f.quarantine), "--settle", "0", *base]  # fmt: skip
    assert CliRunner().invoke(main, run).exit_code == 1  # B7: not yet a registered RES: quarantined
    (tmp_path / "new.jsonl").write_text(json.dumps({"duns": newcomer[1], "name": newcomer[0],
                                                    "billing_types": ["LDC", "DUAL", "ESP"]}) + "\n")  # fmt: skip
    assert (
        CliRunner().invoke(main, ["suppliers", "import", str(tmp_path / "new.jsonl"), "--db", str(db)]).exit_code == 0
    )
    requeued = CliRunner().invoke(main, ["requeue", "1", "--quarantine", str(f.quarantine), "--inbox", str(f.inbox),
                                         *base])  # fmt: skip
    assert requeued.exit_code == 0, requeued.output
    assert not list(f.quarantine.iterdir())
    done = CliRunner().invoke(main, [*run, "--json"])
    assert done.exit_code == 0, done.output
    summary = json.loads(done.output.strip().splitlines()[-1])
    assert summary["archived"] == 1 and summary["accepted"] == 1
    conn = open_store(db)
    assert [tuple(r) for r in conn.execute("SELECT id, state FROM files")] == [(1, "archived")]  # one identity
    (event,) = [r[0] for r in conn.execute("SELECT event FROM file_history WHERE file_id = 1")]
    assert event == "quarantined"
    response = next(p for p in f.outbox.iterdir() if p.suffix == ".814")
    original = response.read_bytes()
    response.unlink()  # the partner lost it
    resent = CliRunner().invoke(main, ["resend", response.name, "--outbox", str(f.outbox), *base])
    assert resent.exit_code == 0 and response.read_bytes() == original
    purge = ["purge", "--older-than", "30", "--archive", str(f.archive), "--outbox", str(f.outbox), "--db", str(db)]
    assert "purged 0 archived file(s)" in CliRunner().invoke(main, [*purge, "--now", "2026-11-20T09:30"]).output
    purged = CliRunner().invoke(main, [*purge, "--now", "2027-01-02T09:30"])
    assert purged.exit_code == 0 and "purged 1 archived file(s), 2 published document(s)" in purged.output
    assert not list(f.archive.iterdir()) and not list(f.outbox.iterdir())
    assert CliRunner().invoke(main, ["verify-audit", "--db", str(db)]).exit_code == 0
    assert CliRunner().invoke(main, ["verify", "--db", str(db), "--archive", str(f.archive)]).exit_code == 0


def test_6_help_short_option_and_log_levels(tmp_path: Path) -> None:
    assert CliRunner().invoke(main, ["-h"]).exit_code == 0
    assert "--log-level" in CliRunner().invoke(main, ["process", "-h"]).output
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    sets = [request(f"{n:04d}", f"LV{n}", "1000000001") for n in range(1, 4)]
    (f.inbox / "three.edi").write_text(interchange(710, sets))
    stream = io.StringIO()
    configure(stream, as_json=True, level="info")
    conn = open_store(db)
    BatchProcessor(conn, f, settings(), events=event_sink(structlog.get_logger("t"))).run_once()
    events = [json.loads(line)["event"] for line in stream.getvalue().splitlines()]
    structlog.reset_defaults()
    assert "transaction" not in events and events.count("interchange") == 1 and "file_taken" in events


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_6_the_terminal_bar_moves_by_bytes_and_counts_transactions(monkeypatch: pytest.MonkeyPatch) -> None:
    from edi.commands.terminal import progress_bar

    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    show = progress_bar(quiet=False)
    for done, sets in ((0, 0), (250, 1000), (500, 2000), (1000, 4000)):
        show(done, 1000, sets)
    text = screen.getvalue()
    assert "4,000 transactions" in text and "100%" in text
    assert progress_bar(quiet=True) is not show


def test_6_the_bar_stays_one_line_while_sets_are_counted_after_the_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from edi.commands.terminal import TerminalBar, progress_bar

    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    show = progress_bar(quiet=False)
    assert isinstance(show, TerminalBar)
    for sets in (4000, 4500, 5000):  # every byte read; the last interchanges still committing
        show(1000, 1000, sets)
    show.close()
    text = screen.getvalue()
    assert "5,000 transactions" in text and text.count("\n") == 1  # one bar, its line ended once


def test_6_log_lines_print_above_the_bar_never_glued_to_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from edi.commands.terminal import CLEAR_LINE, log_stream, progress_bar

    screen = _Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    bar = progress_bar(quiet=False)
    configure(log_stream(None, bar), level="info")
    bar(250, 1000, 1000)
    event_sink()("file_taken", file="#2", bytes=1000)
    bar(500, 1000, 2000)
    event_sink()("interchange", file="#2", sets=2000)
    bar.close()
    rows = screen.getvalue().split("\n")
    logged = [row for row in rows if "file_taken" in row or "interchange" in row]
    assert len(logged) == 2
    assert "2,000 transactions" in rows[-2].rsplit(CLEAR_LINE, 1)[-1]  # the bar is drawn again below the log
    for row in logged:  # the bar's line was erased first: the event's line starts with its time, no bar text
        line = row.rsplit(CLEAR_LINE, 1)[-1]
        assert line.startswith("20"), row  # the timestamp
        assert "transactions" not in line and "%" not in line, row


def test_9_accounts_refresh_replaces_billing_facts_and_keeps_decisions(tmp_path: Path) -> None:
    db = _enrolled(tmp_path)  # the budget account enrolled SBO: its plan ended (R1), its supply rows are ours
    conn = open_store(db)
    supply_before = sorted(tuple(r) for r in conn.execute("SELECT * FROM supply"))
    timeline_before = conn.execute("SELECT count(*) FROM timeline").fetchone()[0]
    lines = [json.loads(line) for line in (EXAMPLE / "accounts.jsonl").read_text().splitlines()]
    account = next(a for a in lines if a["number"] == BUDGET)
    account["balance"], account["due_date"] = "12.34", "2026-12-24"
    account["payments"] = [*account.get("payments", []), {"date": "2026-11-20", "amount": "50.00", "method": "check"}]
    (tmp_path / "new.jsonl").write_text("".join(json.dumps(a) + "\n" for a in lines))
    first = CliRunner().invoke(main, ["accounts", "refresh", str(tmp_path / "new.jsonl"), "--db", db])
    assert first.exit_code == 0, first.output
    assert "accounts changed 1" in first.output and "balance 1" in first.output and "payments 1" in first.output
    shown = json.loads(CliRunner().invoke(main, ["accounts", "show", BUDGET, "--db", db, "--json"]).output)
    assert shown["balance"] == "12.34" and shown["budget"]["active"] is False  # R1's removal stands
    assert sorted(tuple(r) for r in conn.execute("SELECT * FROM supply")) == supply_before
    assert conn.execute("SELECT count(*) FROM timeline").fetchone()[0] == timeline_before
    again = CliRunner().invoke(main, ["accounts", "refresh", str(tmp_path / "new.jsonl"), "--db", db])
    assert "accounts changed" not in again.output and "accounts unchanged" in again.output
    import_again = CliRunner().invoke(main, ["accounts", "import", str(tmp_path / "new.jsonl"), "--db", db])
    assert import_again.exit_code == 1  # a plain import still only inserts: refresh is the way to update


def test_6_log_file_holds_json_lines_per_file_and_interchange(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for control in (901, 902):
        sets = [request("0001", f"LF{control}", BUDGET), request("0002", f"LG{control}", BUDGET)]
        (inbox / f"d{control}.edi").write_text(interchange(control, sets))
    log = tmp_path / "logs" / "process.log"
    log.parent.mkdir()
    result = CliRunner().invoke(main, ["process", "--inbox", str(inbox), "--outbox", str(tmp_path / "out"), "--db",
                                       str(db), "--settle", "0", "--log-file", str(log)],
                                env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    events = [json.loads(line)["event"] for line in log.read_text().splitlines()]
    assert sorted(events) == sorted(["file_taken", "interchange", "file_archived"] * 2 + ["run_finished"])


def test_i7_a_run_stopped_by_the_store_counts_what_it_committed(tmp_path: Path) -> None:
    from edi.batch.runner import BatchOutcome, Watch, _one_pass

    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / "a_first.edi").write_text(interchange(711, [request("0001", "CM1", "1000000001")]))
    two = interchange(712, [request("0001", "CM2", "1000000003")]) + interchange(
        713, [request("0001", "CM3", "1000000005")]
    )
    (f.inbox / "b_two.edi").write_text(two)
    hits = {"n": 0}

    def disk_goes(name: str) -> None:
        if name == "interchange_committed":
            hits["n"] += 1
            if hits["n"] == 2:  # the second file's first interchange has committed
                raise sqlite3.OperationalError("disk I/O error")

    processor = BatchProcessor(open_store(db), f, settings(), failpoint=disk_goes)
    outcome = BatchOutcome()
    assert _one_pass(processor, outcome, Watch(), lambda event, **fields: None) is False
    assert outcome.error
    assert (outcome.summary.files, outcome.summary.interchanges, outcome.summary.transactions) == (1, 2, 2)


def test_i7_a_truncated_shm_stops_the_run_with_exit_1_and_a_message_never_a_signal(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    for n in range(40):
        sets = [request(f"{i + 1:04d}", f"SHM{n}-{i}", f"10000000{i % 15 + 1:02d}") for i in range(500)]
        (f.inbox / f"drop{n:02d}.edi").write_text(interchange(800 + n, sets))
    command = [str(Path(sys.executable).parent / "sbo-edi"), "process", "--inbox", str(f.inbox), "--outbox",
               str(f.outbox), "--db", str(db), "--settle", "0", "--now", "2026-11-02T09:30", "-q"]  # fmt: skip
    shm = Path(f"{db}-shm")
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as worker:
        time.sleep(0.5)
        while worker.poll() is None:  # whatever truncates the shared-memory file under the running worker
            if shm.exists():
                os.truncate(shm, 0)
            time.sleep(0.05)
        out, err = worker.communicate()
    assert worker.returncode == 1, (worker.returncode, err[-500:])  # before: -7, a bus error
    assert "SIGBUS" in err and "-shm" in err
    assert "interchanges:" in out  # the summary of what committed is still printed
    again = subprocess.run(command, capture_output=True, text=True)
    assert again.returncode == 0, again.stderr[-500:]
    assert list(f.inbox.iterdir()) == [] and len(list(f.archive.iterdir())) == 40


def test_the_reporting_sink_keeps_the_logs_wants_so_unwanted_transaction_events_are_never_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import edi.store.ledger as ledger
    from edi.batch.lock import StoreLock
    from edi.batch.runner import StopFlag, Watch, run_batch

    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / "a.edi").write_text(interchange(721, [request("0001", "WANT1", "1000000001")]))
    read_back: list[int] = []
    real = ledger.interchange_outcomes
    monkeypatch.setattr(ledger, "interchange_outcomes", lambda *a, **k: (read_back.append(1), real(*a, **k))[1])

    class InfoOnly:
        def __call__(self, event: str, **fields: object) -> None:
            pass

        def wants(self, event: str) -> bool:
            return event != "transaction"

    reports: list[object] = []
    done = run_batch(lambda: open_store(db), StoreLock(db), f, settings(), loop=Watch(), events=InfoOnly(),
                     stop=StopFlag(), report=reports.append)  # fmt: skip
    assert done.summary.interchanges == 1 and reports  # what committed was reported
    assert read_back == []  # before: every outcome row read back for events nobody keeps


def test_the_metrics_count_documents_by_kind_and_remittance_money(tmp_path: Path) -> None:
    from decimal import Decimal

    from scripts.make_example_data import remittance

    files = {"good.edi": interchange(731, [request("0001", "M7", "1000000001")]),
             "z_remit.edi": remittance(732, "MTRACE1", [("AIC0000009999", Decimal("12.50"))])}  # fmt: skip
    _processed(tmp_path, files)
    text = (tmp_path / "sbo.prom").read_text()
    assert 'sbo_edi_last_run_documents_sent{kind="814"} 1.0' in text
    assert 'sbo_edi_remittance_money{state="reported"} 12.5' in text  # an unknown invoice: reported, not applied
    assert 'sbo_edi_remittance_money{state="applied"} 0.0' in text


def test_a_mistyped_metrics_path_is_refused_before_anything_runs_and_a_failed_write_keeps_the_summary(
    tmp_path: Path,
) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / "good.edi").write_text(interchange(741, [request("0001", "MX1", "1000000001")]))
    run = ["process", "--inbox", str(f.inbox), "--outbox", str(f.outbox), "--db", str(db), "--settle", "0",
           "--now", "2026-11-02T09:30"]  # fmt: skip
    refused = CliRunner().invoke(main, [*run, "--metrics", str(tmp_path / "no-such-folder" / "sbo.prom")])
    assert (
        refused.exit_code == 2
        and "no-such-folder" in refused.output
        and refused.exception is None
        or (isinstance(refused.exception, SystemExit))
    )
    assert os.listdir(f.inbox) == ["good.edi"]  # nothing was processed
    from edi.batch.runner import BatchOutcome, Watch, _one_pass

    processor = BatchProcessor(open_store(db), f, settings())
    outcome = BatchOutcome()
    gone = tmp_path / "gone" / "sbo.prom"  # the folder vanished after the start: the write fails
    assert _one_pass(processor, outcome, Watch(metrics=gone), lambda event, **fields: None) is True
    assert outcome.summary.archived == 1 and outcome.error == ""  # the run and its summary stand
    assert len(outcome.warnings) == 1 and "could not be written" in outcome.warnings[0]


def test_status_names_a_quarantined_files_original_name(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    f = folders(tmp_path)
    (f.inbox / "lakeside nov batch 3.edi").write_bytes(b"\x00" * 40)
    run = ["process", "--inbox", str(f.inbox), "--outbox", str(f.outbox), "--db", str(db), "--settle", "0"]
    assert CliRunner().invoke(main, run).exit_code == 1
    status = CliRunner().invoke(main, ["status", "--db", str(db)], env={"SBO_EDI_CONFIG": ""})
    assert "lakeside nov batch 3.edi" in status.output  # the operator finds the partner's file by its own name
