"""The batch commands from the outside: process (once and --watch with SIGTERM), status, explain."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from click.testing import CliRunner

from cli import main
from scripts.make_example_data import DROP
from tests.store_helpers import fresh_store

ROOT = Path(__file__).resolve().parent.parent


def _setup(tmp_path: Path) -> tuple[Path, list[str]]:
    fresh_store(tmp_path).close()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in DROP.glob("*.edi"):
        shutil.copy(path, inbox / path.name)
    return inbox, [
        "--inbox",
        str(inbox),
        "--outbox",
        str(tmp_path / "outbox"),
        "--db",
        str(tmp_path / "store.db"),
        "--settle",
        "0",
        "--now",
        "2026-11-02T09:30",
    ]


def test_process_status_and_explain(tmp_path: Path) -> None:
    inbox, args = _setup(tmp_path)
    result = CliRunner().invoke(main, ["process", *args, "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary["files"] == 4 and summary["transactions"] == 18 and summary["accepted"] == 13
    assert summary["rejected_by_code"] == {"008": 1, "A13": 1, "NFI": 1}
    assert oct((tmp_path / "store.db").stat().st_mode & 0o777) == "0o600"
    status = CliRunner().invoke(main, ["status", "--db", str(tmp_path / "store.db")])
    assert "4 file(s) (0 quarantined), 18 transaction(s), 13 accepted" in status.output
    explained = CliRunner().invoke(main, ["explain", "RES202611021004", "--db", str(tmp_path / "store.db")])
    assert "rejected A13 ACCOUNT IN ARREARS - SBO NOT PERMITTED [R3]" in explained.output
    assert "prairie_power_20261102_01.edi" in explained.output and "sent 2026-11-02T15:30:00Z" in explained.output
    assert "group GS06 201: AK9 A, 15 of 15 set(s) accepted" in explained.output
    by_isa13 = CliRunner().invoke(main, ["explain", "203", "--db", str(tmp_path / "store.db"), "--json"])
    (item,) = json.loads(by_isa13.output)
    assert item["transaction"]["outcome"] == "TA1 rejected (023)" and item["documents"][0]["kind"] == "ta1"
    missing = CliRunner().invoke(main, ["explain", "NOPE", "--db", str(tmp_path / "store.db")])
    assert missing.exit_code == 1


def test_watch_stops_cleanly_on_sigterm(tmp_path: Path) -> None:
    inbox, args = _setup(tmp_path)
    child = subprocess.Popen(
        [sys.executable, "-m", "cli", "process", *args, "--watch", "--interval", "0.2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 30
    while os.listdir(inbox) and time.monotonic() < deadline:
        time.sleep(0.1)
    late = inbox / "late.edi"
    shutil.copy(DROP / "lakeside_energy_20261102_01.edi", late)  # a resend: TA1 025, taken by a later scan
    while late.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    child.send_signal(signal.SIGTERM)
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, err
    assert "files: 5 (5 archived" in out and "(1 duplicate)" in out
    assert any(json.loads(line)["event"] == "stopped" for line in err.splitlines())


def test_a_second_process_on_the_same_store_is_refused(tmp_path: Path) -> None:
    from edi.batch.lock import StoreLock

    _, args = _setup(tmp_path)
    with StoreLock(tmp_path / "store.db"):
        result = subprocess.run(
            [sys.executable, "-m", "cli", "process", *args], cwd=ROOT, capture_output=True, text=True, check=False
        )
    assert result.returncode == 2 and "another sbo-edi process" in result.stderr


def test_replay_and_cycle_close_outputs_are_delivered_once(tmp_path: Path) -> None:
    from scripts.make_example_data import OFF_CYCLE_DATE, interchange, request

    fresh_store(tmp_path).close()
    db = ["--db", str(tmp_path / "store.db")]
    path = tmp_path / "offcycle.edi"
    path.write_text(interchange(61, [request("0001", "OC1", "1000000008", start=OFF_CYCLE_DATE)]))
    replayed = CliRunner().invoke(
        main, ["replay", str(path), *db, "--out", str(tmp_path / "mine"), "--now", "2026-11-02T09:30"]
    )
    assert replayed.exit_code == 0 and "accepted [R7]" in replayed.output
    wrong = CliRunner().invoke(main, ["cycle", "close", "--group", "7", "--date", "2026-12-10", *db])
    assert wrong.exit_code == 1 and "not a scheduled read of bill group 7" in wrong.output
    closed = CliRunner().invoke(
        main, ["cycle", "close", "--group", "7", "--date", "2026-12-09", *db, "--now", "2026-12-09T18:00"]
    )
    assert closed.exit_code == 0 and "1 account(s) switched to SBO" in closed.output
    assert "******0008: DUAL -> SBO (R7, D3)" in closed.output
    (tmp_path / "inbox").mkdir()
    published = CliRunner().invoke(
        main,
        [
            "process",
            "--inbox",
            str(tmp_path / "inbox"),
            "--outbox",
            str(tmp_path / "outbox"),
            *db,
            "--now",
            "2026-12-10T08:00",
            "--json",
        ],
    )
    sent = json.loads(published.output.strip().splitlines()[-1])["documents_sent"]
    assert sent == {"814-change": 1}  # the replay's 997 and 814 went to --out, only the change was waiting
    change = next((tmp_path / "outbox").glob("*.814-change")).read_text()
    assert "ASI*7*001~" in change and "REF*TD*REFBLT~" in change


def test_the_audit_trail_is_a_hash_chain_that_shows_tampering(tmp_path: Path) -> None:
    import sqlite3

    _, args = _setup(tmp_path)
    assert CliRunner().invoke(main, ["process", *args]).exit_code == 0
    db = ["--db", str(tmp_path / "store.db")]
    intact = CliRunner().invoke(main, ["verify-audit", *db])
    assert intact.exit_code == 0 and "18 outcome row(s) checked" in intact.output
    conn = sqlite3.connect(tmp_path / "store.db")
    conn.execute("UPDATE outcomes SET rules = 'R9', outcome = 'accepted' WHERE id = 4")  # a rewritten outcome
    conn.commit()
    conn.close()
    tampered = CliRunner().invoke(main, ["verify-audit", *db])
    assert tampered.exit_code == 1 and "outcome row 4 does not match its seal" in tampered.output


def test_inbound_997s_are_reconciled_with_what_we_sent_and_never_acknowledged(tmp_path: Path) -> None:
    import sqlite3

    inbox, args = _setup(tmp_path)
    assert CliRunner().invoke(main, ["process", *args]).exit_code == 0
    conn = sqlite3.connect(tmp_path / "store.db")
    response_gs06 = conn.execute(
        "SELECT group_control FROM outbox WHERE kind = '814' AND partner = '222222222'"
    ).fetchone()[0]
    ack = (
        f"ISA*00*          *00*          *01*222222222      *01*111111111      *261103*0800*U*00401*000000901*0*P*>~\n"
        f"GS*FA*222222222*111111111*20261103*0800*901*X*004010~\nST*997*0001~\nAK1*GE*{response_gs06}~\n"
        f"AK9*A*1*1*1~\nSE*4*0001~\nGE*1*901~\nIEA*1*000000901~\n"
    )
    (inbox / "ack_from_res.edi").write_text(ack)
    before = sorted(os.listdir(tmp_path / "outbox"))
    later = [a if a != "2026-11-02T09:30" else "2026-11-03T08:00" for a in args]
    assert CliRunner().invoke(main, ["process", *later]).exit_code == 0
    assert sorted(os.listdir(tmp_path / "outbox")) == before  # nobody acknowledges a 997
    acked = conn.execute("SELECT ack_status FROM outbox WHERE kind = '814' AND partner = '222222222'").fetchone()
    assert acked[0] == "A"
    outcome = conn.execute("SELECT outcome FROM outcomes ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert outcome == f"997 received: AK9 A for our GE group {response_gs06} (matched)"
    status = CliRunner().invoke(main, ["status", "--db", str(tmp_path / "store.db"), "--now", "2026-11-06T08:00"])
    assert "with no 997 back (B13): 2" in status.output  # the Lakeside response and its D9 drop notice
    assert "4444444440001.000000002.814" in status.output
