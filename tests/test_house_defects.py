"""The defects issue 10 found while reading, each reproduced (every one of these failed on the code before)."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
import edi.commands.billing as billing_commands
import edi.commands.conformance as conformance_commands
from cli import main
from edi.x12.segments import group_header
from scripts.make_example_data import DROP, interchange, request
from tests.store_helpers import fresh_store

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "fixtures" / "conformance"


def _write(path: Path, sets: list[list[str]], *, control: int, usage: str = "P") -> Path:
    path.write_text(interchange(control, sets, usage=usage), encoding="ascii")
    return path


def test_1_explain_shows_a_rejected_transaction_of_a_test_interchange(tmp_path: Path) -> None:
    fresh_store(tmp_path).close()
    db = str(tmp_path / "store.db")
    source = _write(tmp_path / "t.edi", [request("0001", "TEST0001", "9999999999")], control=801, usage="T")
    replayed = CliRunner().invoke(main, ["replay", str(source), "--db", db, "--now", "2026-11-02T09:30"])
    assert replayed.exit_code == 0, replayed.output
    explained = CliRunner().invoke(main, ["explain", "TEST0001", "--db", db, "--json"])
    assert explained.exit_code == 0, explained.output
    (item,) = json.loads(explained.output)
    assert item["transaction"]["outcome"] == "test: rejected"
    assert item["transaction"]["reasons"] == [["A76", "ACCOUNT NOT FOUND"]]
    text = CliRunner().invoke(main, ["explain", "TEST0001", "--db", db])
    assert "test: rejected A76 ACCOUNT NOT FOUND" in text.output


def test_2_partner_mode_counts_a_997_rejected_test_set_as_rejected(tmp_path: Path) -> None:
    bad = request("0001", "RES2026110299", "1000000001", blt="XYZ")  # AK5 R: not a BLT code
    good = request("0002", "RES2026110300", "1000000001")
    source = _write(tmp_path / "partner_test.edi", [bad, good], control=802, usage="T")
    result = CliRunner().invoke(
        main,
        [
            "conformance",
            "--partner",
            str(source),
            "--accounts",
            str(ROOT / "fixtures/example/accounts.jsonl"),
            "--engine",
            "pyx12",
            "--now",
            "2026-11-02T09:30",
            "--json",
        ],
    )
    (report,) = json.loads(result.output)
    assert report["pyx12"] == {"802/0001": "R", "802/0002": "A"}
    assert report["disagreements"] == []
    assert [t["outcome"] for t in report["transactions"]] == ["test: 997 rejected", "test: accepted"]


def test_3_an_inbound_814_response_is_stored_as_reported(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    response = [s.replace("BGN*13*", "BGN*11*") for s in request("0001", "RESP0001", "1000000001")]
    source = _write(tmp_path / "r.edi", [response], control=803)
    replayed = CliRunner().invoke(main, ["replay", str(source), "--db", str(tmp_path / "store.db"), "--json"])
    (reported,) = json.loads(replayed.output)["transactions"]
    stored = [r[0] for r in conn.execute("SELECT outcome FROM outcomes")]
    assert stored == [reported["outcome"]] == ["not answered"]


def _count_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def counted(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counted)
    return calls


def test_4_replay_out_delivers_durably_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_store(tmp_path).close()
    db, out = str(tmp_path / "store.db"), tmp_path / "out"
    fsyncs = _count_fsyncs(monkeypatch)
    source = _write(tmp_path / "d.edi", [request("0001", "DUR00001", "1000000001")], control=804)
    result = CliRunner().invoke(
        main, ["replay", str(source), "--db", db, "--out", str(out), "--now", "2026-11-02T09:30"]
    )
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in out.iterdir())
    assert written == ["222222222.000000001.997", "222222222.000000002.814"]  # no temp file left behind
    assert len(fsyncs) >= 2 * len(written)  # each file and its folder entry


def test_4_cycle_close_and_invoice_out_deliver_through_the_same_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real = billing_commands.deliver

    def recorded(*args: object, **kw: object) -> object:
        calls.append("deliver")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(billing_commands, "deliver", recorded)
    fresh_store(tmp_path).close()
    db = str(tmp_path / "store.db")
    closed = CliRunner().invoke(
        main,
        [
            "cycle",
            "close",
            "--group",
            "7",
            "--date",
            "2026-11-10",
            "--db",
            db,
            "--out",
            str(tmp_path / "out"),
            "--now",
            "2026-11-10T18:00",
        ],
    )
    invoiced = CliRunner().invoke(
        main,
        [
            "invoice",
            "--group",
            "7",
            "--period",
            "2026-11-10:2026-12-09",
            "--db",
            db,
            "--out",
            str(tmp_path / "out"),
            "--now",
            "2026-12-10T06:00",
        ],
    )
    assert closed.exit_code == 0 and invoiced.exit_code == 0, closed.output + invoiced.output
    assert calls == ["deliver", "deliver"]


def test_5_the_cli_writes_the_direct_bill_under_the_golden_name(tmp_path: Path) -> None:
    case = CASES / "invoice_plain_sbo_with_taxes"
    golden = sorted(p.name for p in (case / "expected").glob("direct-bills.*"))
    meta = json.loads((case / "case.json").read_text(encoding="utf-8"))
    conn = fresh_store(tmp_path, [json.loads(line) for line in (case / "accounts.jsonl").read_text().splitlines()])
    conn.close()
    db = str(tmp_path / "store.db")
    for step in meta["steps"]:
        if "replay" in step:
            CliRunner().invoke(
                main, ["replay", str(case / step["replay"]), "--db", db, "--now", step["now"], "--as-of", step["as_of"]]
            )
        elif "bills_import" in step:
            CliRunner().invoke(
                main, ["bills", "import", str(case / step["bills_import"]), "--db", db, "--now", step["now"]]
            )
        elif "invoice" in step:
            result = CliRunner().invoke(
                main,
                [
                    "invoice",
                    "--group",
                    str(step["invoice"]["group"]),
                    "--period",
                    step["invoice"]["period"],
                    "--db",
                    db,
                    "--direct-bills",
                    str(tmp_path / "direct"),
                    "--now",
                    step["now"],
                ],
            )
            assert result.exit_code == 0, result.output
    made = sorted(p.name for p in (tmp_path / "direct").iterdir())
    assert made == golden
    assert (tmp_path / "direct" / made[0]).read_text() == (case / "expected" / made[0]).read_text()


def test_6_partner_mode_needs_no_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = tmp_path / "site-packages"
    installed.mkdir()
    monkeypatch.setattr(cli, "__file__", str(installed / "cli.py"))  # as a wheel installs it: no fixtures beside
    monkeypatch.setattr(conformance_commands, "__file__", str(installed / "edi" / "commands" / "conformance.py"))
    monkeypatch.chdir(tmp_path)
    accounts = tmp_path / "accounts.jsonl"
    shutil.copy(ROOT / "fixtures/example/accounts.jsonl", accounts)
    result = CliRunner().invoke(
        main,
        [
            "conformance",
            "--partner",
            str(DROP / "prairie_power_20261102_01.edi"),
            "--accounts",
            str(accounts),
            "--now",
            "2026-11-02T09:30",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 file(s): 1 clean, 0 with problems" in result.output


def test_7_our_group_is_read_with_the_separators_our_isa_declares() -> None:
    isa = "ISA|00|          |00|          |01|111111111      |01|222222222      |261102|0900|U|00401|000000007|0|P|^!"
    text = f"{isa}\nGS|GE|111111111|222222222|20261102|0900|42|X|004010!\nST|814|0001!\n"
    assert group_header(text) == ("GE", "42")
    assert group_header("not an interchange") == ("", "")
