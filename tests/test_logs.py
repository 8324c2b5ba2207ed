"""Logs never carry customer names or clear account numbers, tracebacks included (F5)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import structlog

from edi.batch.logs import configure, event_sink
from scripts.make_example_data import ACCOUNTS, interchange, request
from tests.batch_helpers import folders
from tests.store_helpers import fresh_store

CANARY_NAME = "QUENTIN ZYXWVUTSRQ CANARY"
CANARY_ACCOUNT = "9876543210"
CANARY_UNKNOWN = "9123456780"
ROOT = Path(__file__).resolve().parent.parent


def test_process_logs_hold_no_customer_name_or_account_number(tmp_path: Path) -> None:
    account = json.loads(json.dumps(ACCOUNTS["gas_direct_pay"]))
    account["number"] = CANARY_ACCOUNT
    account["customer"]["name"] = CANARY_NAME
    for sp in account["service_points"]:
        sp["id"] = sp["id"] + "C"
    fresh_store(tmp_path, [account]).close()
    f = folders(tmp_path)
    sets = [
        request("0001", "CAN1", CANARY_ACCOUNT, name=CANARY_NAME),
        request("0002", "CAN2", CANARY_UNKNOWN, name=CANARY_NAME),
        request("0003", "CAN3", CANARY_ACCOUNT, name=CANARY_NAME, blt="XYZ"),
    ]
    secret_auth = "ZQAUTHSECR"  # F6: ISA02 authorization information is never logged
    text = interchange(31, sets).replace("ISA*00*          *", f"ISA*03*{secret_auth}*", 1)
    (f.inbox / "canary.edi").write_text(text)
    (f.inbox / "garbage.edi").write_bytes(CANARY_NAME.encode() + b" " + CANARY_ACCOUNT.encode())
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli",
            "process",
            "--inbox",
            str(f.inbox),
            "--outbox",
            str(f.outbox),
            "--db",
            str(tmp_path / "store.db"),
            "--settle",
            "0",
            "--now",
            "2026-11-02T09:30",
            "--log-level",
            "debug",  # the canary is planted where the most is logged: one event per transaction
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "SBO_EDI_FAILPOINT": ""},
        check=False,
    )
    assert result.returncode == 1, result.stderr  # garbage.edi is quarantined: a person should look
    lines = result.stderr.splitlines()
    assert len(lines) >= 8 and all(json.loads(line)["event"] for line in lines)  # JSON lines off a terminal
    everything = result.stderr + result.stdout
    for secret in (CANARY_NAME, "ZYXWVUTSRQ", CANARY_ACCOUNT, CANARY_UNKNOWN, secret_auth):
        assert secret not in everything
    assert "******3210" in result.stderr  # masked, still useful to an operator
    for line in map(json.loads, lines):
        if line["event"] == "transaction":
            assert {"file", "isa13", "st02"} <= set(line)
    # The RES itself does get the account back in its 814 response: only the logs are clean.
    assert any(CANARY_ACCOUNT in p.read_text() for p in f.outbox.iterdir())


def test_tracebacks_carry_no_frame_locals_and_no_long_digit_runs() -> None:
    stream = io.StringIO()
    configure(stream, as_json=True)
    try:
        customer_name = CANARY_NAME  # a local the old dict_tracebacks would have rendered
        account = CANARY_ACCOUNT
        raise ValueError(f"cannot bill account {account}")
    except ValueError:
        structlog.get_logger().exception("failed", account=account, customer=customer_name)
    text = stream.getvalue()
    assert CANARY_NAME not in text and CANARY_ACCOUNT not in text
    record = json.loads(text)
    assert record["account"] == "******3210" and record["customer"] == "[redacted]"
    assert "******3210" in json.dumps(record["exception"])


def test_unknown_keys_are_redacted_and_known_ones_kept() -> None:
    stream = io.StringIO()
    configure(stream, as_json=True, level="debug")  # transaction events are debug
    event_sink()("transaction", file="#1 f", isa13="000000001", st02="0001", name=CANARY_NAME, street="1 MAIN")
    record = json.loads(stream.getvalue())
    assert record["isa13"] == "000000001" and record["name"] == "[redacted]" and record["street"] == "[redacted]"


def test_quarantines_and_failures_are_warnings_so_quiet_runs_still_show_them() -> None:
    import io

    from edi.batch.logs import configure, event_sink

    stream = io.StringIO()
    configure(stream, as_json=True, level="warning")  # what `process -q` sets
    try:
        sink = event_sink()
        sink("interchange", file="#1", isa13="000000001")
        sink("file_quarantined", file="#1", stored_as="00000001-x.quarantined", reason="B7")
        sink("run_failed", error="OperationalError")
        lines = [json.loads(line) for line in stream.getvalue().splitlines()]
        assert [(line["event"], line["level"]) for line in lines] == [("file_quarantined", "warning"),
                                                                      ("run_failed", "warning")]  # fmt: skip
        assert sink.wants("file_quarantined") and not sink.wants("interchange")
    finally:
        configure(level="info")
