"""The issue's scenarios end to end: store, rules, 814 responses, account view, replay, dry run, cycle close."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from edi.flows.outbound import close_cycle
from edi.store.account_view import account_view
from edi.store.connection import transaction
from edi.times import zone
from scripts.make_example_data import ACCOUNTS, OFF_CYCLE_DATE, interchange, request
from tests.store_helpers import AS_OF, dump, fresh_store, replay

CENTRAL = zone()  # the utility's zone (O8)

SBO_ACCOUNT_NUMBERS = sorted(a["number"] for a in ACCOUNTS.values())


_CONTROL = iter(range(700, 10_000))


def _file(tmp_path: Path, sets: list[list[str]], name: str = "in.edi", **kw: object) -> Path:
    """One interchange with a fresh ISA13 (a repeated one is a duplicate interchange, TA1 025)."""
    path = tmp_path / name
    path.write_text(interchange(next(_CONTROL), sets, **kw), encoding="ascii")  # type: ignore[arg-type]
    return path


def _responses(run: object) -> str:
    return "".join(o.content for o in run.outputs if o.kind == "814")  # type: ignore[attr-defined]


def test_arrears_rejects_sbo_with_a13_and_accepts_dual(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    sbo = replay(conn, _file(tmp_path, [request("0001", "A1", "1000000004")]))
    assert "REF*7G*A13*ACCOUNT IN ARREARS - SBO NOT PERMITTED~" in _responses(sbo)
    assert "ASI*U*021~" in _responses(sbo)
    dual = replay(conn, _file(tmp_path, [request("0001", "A2", "1000000004", blt="DUAL", pc="DUAL")], "b.edi"))
    assert "ASI*WQ*021~" in _responses(dual) and "REF*BLT*DUAL~" in _responses(dual)
    assert [t.outcome.label for t in sbo.transactions + dual.transactions] == ["rejected", "accepted"]


def test_budget_balance_due_goes_on_the_direct_bill_and_never_to_the_res(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    plan = ACCOUNTS["budget_due"]["budget"]
    due = sum(Decimal(p["actual"]) for p in plan["periods"]) - sum(Decimal(p["paid"]) for p in plan["periods"])
    assert due > 0
    run = replay(conn, _file(tmp_path, [request("0001", "B1", "1000000002")]))
    assert run.transactions[0].outcome.label == "accepted"
    view = account_view(conn, "1000000002", AS_OF)
    assert view is not None and view["budget"]["active"] is False
    charges = view["direct_bill_charges"]
    assert [(c["kind"], Decimal(c["amount"])) for c in charges] == [("budget balance due", due)]
    assert Decimal(charges[0]["detail"]["actual_charges"]) - Decimal(charges[0]["detail"]["installments_paid"]) == due
    everything_to_the_res = "".join(o.content for o in run.outputs)
    assert str(due) not in everything_to_the_res
    assert str(due).replace(".", "") not in everything_to_the_res  # not even as implied-decimal cents


def test_gas_split_with_direct_pay(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    before = {r[0] for r in conn.execute("SELECT number FROM accounts")}
    run = replay(conn, _file(tmp_path, [request("0001", "G1", "1000000007")]))
    assert run.transactions[0].outcome.label == "accepted"
    electric = account_view(conn, "1000000007", AS_OF)
    assert electric is not None
    (gas_number,) = electric["split_to"]
    assert gas_number not in before and len(gas_number) == 10 and gas_number.isdigit()
    gas = account_view(conn, gas_number, AS_OF)
    assert gas is not None
    assert [sp["commodity"] for sp in electric["service_points"]] == ["EL"]
    assert [sp["commodity"] for sp in gas["service_points"]] == ["GAS"]
    assert electric["direct_pay"]["on"] is False and gas["direct_pay"] == {"on": True, "bank_last4": "4321"}
    assert gas["split_from"] == "1000000007"
    shown = CliRunner().invoke(
        main, ["accounts", "show", "1000000007", "--db", str(tmp_path / "store.db"), "--as-of", "2026-11-02"]
    )
    assert f"split to      {gas_number}" in shown.output
    assert "[R6] Direct Pay removed (moved to the gas account)" in shown.output
    shown_gas = CliRunner().invoke(
        main, ["accounts", "show", gas_number, "--db", str(tmp_path / "store.db"), "--as-of", "2026-11-02"]
    )
    assert "split from    1000000007" in shown_gas.output and "Direct Pay    on, bank ****4321" in shown_gas.output
    assert "[R5] account created for gas split" in shown_gas.output


def test_split_numbers_are_never_reused(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    conn.execute(
        "INSERT INTO accounts (number, status, customer_name, bill_group) VALUES"
        " ('5000000000', 'active', 'SQUATTER', 7)"
    )  # the sequence's next value is taken already
    replay(conn, _file(tmp_path, [request("0001", "G1", "1000000006"), request("0002", "G2", "1000000007")]))
    assert [r[0] for r in conn.execute("SELECT number FROM accounts WHERE split_from IS NOT NULL ORDER BY 1")] == [
        "5000000001",
        "5000000002",
    ]


def test_dry_run_changes_nothing_but_still_answers(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    before = dump(conn)
    run = replay(conn, _file(tmp_path, [request("0001", "D1", "1000000011")]), dry_run=True)
    assert run.transactions[0].outcome.label == "accepted" and "ASI*WQ*021~" in _responses(run)
    assert dump(conn) == before


def test_a_crash_mid_interchange_leaves_the_store_untouched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import edi.flows.inbound.handlers

    conn = fresh_store(tmp_path)
    before = dump(conn)
    calls = {"n": 0}
    real = edi.flows.inbound.handlers.apply_decision

    def failing(*args: object, **kw: object) -> object:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("power cut")
        return real(*args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(edi.flows.inbound.handlers, "apply_decision", failing)
    with pytest.raises(RuntimeError):
        replay(conn, _file(tmp_path, [request("0001", "C1", "1000000001"), request("0002", "C2", "1000000002")]))
    assert dump(conn) == before


def test_duplicate_bgn02_in_a_later_file_is_rejected_abn(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    replay(conn, _file(tmp_path, [request("0001", "SAME", "1000000001")]))
    again = replay(conn, _file(tmp_path, [request("0001", "SAME", "1000000012", blt="DUAL", pc="DUAL")], "b.edi"))
    assert "REF*7G*ABN*DUPLICATE REQUEST~" in _responses(again)


def test_test_interchange_answers_but_changes_no_account(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    accounts_before = {t: rows for t, rows in dump(conn).items() if t in ("accounts", "supply", "budget_plans")}
    run = replay(conn, _file(tmp_path, [request("0001", "T1", "1000000011")], usage="T"))
    assert "ASI*WQ*021~" in _responses(run) and "*T*>~" in _responses(run)[:110]
    after = {t: rows for t, rows in dump(conn).items() if t in ("accounts", "supply", "budget_plans")}
    assert after == accounts_before
    outcomes = conn.execute("SELECT outcome FROM outcomes").fetchall()
    assert [o[0] for o in outcomes] == ["test: accepted"]
    assert conn.execute("SELECT count(*) FROM requests_seen").fetchone()[0] == 0


def test_every_transaction_has_exactly_one_outcome(tmp_path: Path) -> None:
    from scripts.make_example_data import DROP

    conn = fresh_store(tmp_path)
    sets = 0
    for path in sorted(DROP.glob("*.edi")):
        run = replay(conn, path)
        sets += len(run.transactions)
    assert sets == 18  # 15 (12 enrollments, a drop, a change, a cancel) + 1 + 1 + 1
    assert conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == sets


def test_off_cycle_sbo_is_dual_first_then_an_814_change_at_the_next_read(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    run = replay(conn, _file(tmp_path, [request("0001", "O1", "1000000008", start=OFF_CYCLE_DATE)]))
    response = _responses(run)
    assert "REF*BLT*DUAL~" in response and f"DTM*007*{OFF_CYCLE_DATE:%Y%m%d}~" in response
    switch = date(2026, 12, 9)
    with transaction(conn) as tx:
        early = close_cycle(tx, 7, date(2026, 11, 10), datetime(2026, 11, 10, 18, tzinfo=CENTRAL))
    assert early.outputs == []
    with transaction(conn) as tx:
        closed = close_cycle(tx, 7, switch, datetime(2026, 12, 9, 18, tzinfo=CENTRAL))
    (change,) = closed.outputs
    for segment in ("ASI*7*001~", "REF*TD*REFBLT~", "REF*BLT*ESP~", "REF*PC*DUAL~", f"DTM*007*{switch:%Y%m%d}~"):
        assert segment in change.content
    with transaction(conn) as tx:
        assert close_cycle(tx, 7, switch, datetime(2026, 12, 9, 19, tzinfo=CENTRAL)).outputs == []  # never twice
    view = account_view(conn, "1000000008", switch)
    assert view is not None and view["service_points"][0]["current"]["billing_type"] == "ESP"


def test_replay_cli_prints_decisions_and_writes_outputs(tmp_path: Path) -> None:
    fresh_store(tmp_path).close()
    path = _file(tmp_path, [request("0001", "R1", "1000000002"), request("0002", "R2", "1000000004")])
    result = CliRunner().invoke(
        main,
        [
            "replay",
            str(path),
            "--db",
            str(tmp_path / "store.db"),
            "--out",
            str(tmp_path / "out"),
            "--now",
            "2026-11-02T09:30",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "******0002: accepted [R1+R2]" in result.output
    assert "RemoveBudgetBilling(balance_due=74.00" in result.output
    assert "******0004: rejected A13 ACCOUNT IN ARREARS - SBO NOT PERMITTED [R3]" in result.output
    assert "1000000002" not in result.output  # account numbers masked to the last 4 digits
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "222222222.000000001.997",
        "222222222.000000002.814",
    ]
    again = _file(tmp_path, [request("0001", "R1", "1000000002"), request("0002", "R2", "1000000004")], "again.edi")
    as_json = CliRunner().invoke(
        main,
        ["replay", str(again), "--db", str(tmp_path / "store.db"), "--dry-run", "--json", "--now", "2026-11-02T09:30"],
    )
    outcomes = [t["outcome"] for t in json.loads(as_json.output)["transactions"]]
    assert outcomes == ["rejected", "rejected"]  # both BGN02 already used: ABN
    same = CliRunner().invoke(
        main, ["replay", str(path), "--db", str(tmp_path / "store.db"), "--json", "--now", "2026-11-02T09:30"]
    )
    outcomes = [t["outcome"] for t in json.loads(same.output)["transactions"]]
    assert outcomes == ["TA1 rejected (025)", "TA1 rejected (025)"]  # D7: the same ISA13 again


def test_accounts_import_cli_reports_line_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"number": "1"}\n', encoding="utf-8")
    assert CliRunner().invoke(main, ["init", "--db", str(tmp_path / "s.db")]).exit_code == 0
    result = CliRunner().invoke(main, ["accounts", "import", str(bad), "--db", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert "line 1:" in result.output and "nothing loaded" in result.output
