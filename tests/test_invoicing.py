"""SBO 810 invoices: never a budget balance, a DUAL period or split gas; idempotent; the final check; conservation."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.conformance.cases import load_case, run_case
from edi.flows.outbound import Invoicer
from edi.store.connection import transaction
from edi.store.snapshot import import_bills
from edi.times import zone
from scripts.make_example_data import ACCOUNTS, PERIOD_1, bill, electric, interchange, request
from tests.goldens import CASES, EXAMPLE
from tests.store_helpers import fresh_store, replay

CENTRAL = zone()  # the utility's zone (O8)


def _case(name: str) -> dict[str, str]:
    return run_case(load_case(CASES / name), EXAMPLE)


def _810s(files: dict[str, str]) -> str:
    return "".join(text for name, text in files.items() if name.endswith(".810"))


def test_budget_balance_is_on_the_direct_bill_and_in_no_810() -> None:
    files = _case("invoice_budget_balance_never_in_810")
    direct = [
        json.loads(line)
        for name, text in files.items()
        if name.startswith("direct-bills")
        for line in text.splitlines()
    ]
    assert [(d["kind"], d["amount"]) for d in direct] == [("budget balance due", "74.00")]
    invoices = _810s(files)
    assert invoices and "74.00" not in invoices and "*7400" not in invoices


def test_off_cycle_first_period_is_direct_billed_and_the_second_is_an_810() -> None:
    files = _case("invoice_off_cycle_dual_then_sbo")
    first = files["direct-bills.g07.2026-11-10_2026-12-09.jsonl"]
    assert '"kind": "delivery charges (DUAL)"' in first
    (invoice,) = [text for name, text in files.items() if name.endswith(".810")]
    assert "DTM*150*20261209~" in invoice and "DTM*151*20270112~" in invoice
    assert files["direct-bills.g07.2026-12-09_2027-01-12.jsonl"] == ""


def test_split_gas_never_reaches_an_810() -> None:
    files = _case("invoice_split_gas_never_in_810")
    invoices = _810s(files)
    assert "REF*12*1000000006~" in invoices and "5000000000" not in invoices and "GDC001" not in invoices
    assert '"account": "5000000000"' in files["direct-bills.g07.2026-11-10_2026-12-09.jsonl"]


def _enrolled_store(folder: Path, keys: list[str]) -> object:
    conn = fresh_store(folder, [ACCOUNTS[k] for k in keys])
    path = folder / "enrol.edi"
    path.write_text(
        interchange(77, [request(f"{n:04d}", f"E{n}", ACCOUNTS[k]["number"]) for n, k in enumerate(keys, start=1)])
    )
    replay(conn, path)
    bills = folder / "bills.jsonl"
    bills.write_text("".join(json.dumps(bill(ACCOUNTS[k]["number"], PERIOD_1, [electric(k)])) + "\n" for k in keys))
    import_bills(conn, bills, datetime(2026, 12, 9, 20, tzinfo=CENTRAL))
    return conn


def test_invoicing_twice_gives_the_same_invoices_not_new_ones(tmp_path: Path) -> None:
    conn = _enrolled_store(tmp_path, ["plain", "summary"])
    with transaction(conn) as tx:  # type: ignore[arg-type]
        first = Invoicer(tx, datetime(2026, 12, 10, 6, tzinfo=CENTRAL)).run(7, *PERIOD_1)
    with transaction(conn) as tx:  # type: ignore[arg-type]
        again = Invoicer(tx, datetime(2026, 12, 11, 6, tzinfo=CENTRAL)).run(7, *PERIOD_1)
    assert len(first.invoices) == 2 and [o.kind for o in first.outputs] == ["810", "867"]  # D15: 867s beside
    assert first.usage_reports == 2
    assert again.invoices == [] and again.outputs == [] and again.already_done == 2  # D16: no 867 twice either
    numbers = [r[0] for r in conn.execute("SELECT number FROM invoices ORDER BY id")]  # type: ignore[attr-defined]
    assert numbers == ["AIC0000000001", "AIC0000000002"]


def test_the_final_check_stops_an_810_carrying_anything_else(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import edi.flows.outbound.invoicing
    from edi.x12.segments import seg

    conn = _enrolled_store(tmp_path, ["budget_due", "plain"])
    real = edi.flows.outbound.invoicing.invoice_body

    def leaky(invoice, utility):
        body = real(invoice, utility)
        if invoice.account_number == "1000000002":
            tds = next(i for i, s in enumerate(body) if s.tag == "TDS")
            body[tds:tds] = [seg("SLN", "9", "", "I"), seg("SAC", "C", "", "EU", "BUDGET", "7400")]
        return body

    monkeypatch.setattr(edi.flows.outbound.invoicing, "invoice_body", leaky)
    with transaction(conn) as tx:  # type: ignore[arg-type]
        result = Invoicer(tx, datetime(2026, 12, 10, 6, tzinfo=CENTRAL)).run(7, *PERIOD_1)
    assert len(result.errors) == 1 and result.errors[0].startswith("******0002: amount 74.00 is not an SBO-period")
    accounts = [i.account_number for i in result.invoices]
    assert accounts == ["1000000001"]
    rows = conn.execute("SELECT account_number FROM invoices").fetchall()  # type: ignore[attr-defined]
    assert [r[0] for r in rows] == ["1000000001"]
    assert "1000000002" not in "".join(o.content for o in result.outputs)


CENTS = st.integers(min_value=-500, max_value=40_000).map(lambda c: Decimal(c) / 100)


@st.composite
def billed_accounts(draw: st.DrawFn) -> list[tuple[str, dict[str, object], bool, list[Decimal]]]:
    """2-4 accounts: random budget plans, gas or not, SBO or DUAL requests, random charge and tax lines."""
    out = []
    for n in range(draw(st.integers(2, 4))):
        number = f"20000000{n:02d}"
        gas = draw(st.booleans())
        account = json.loads(json.dumps(ACCOUNTS["gas" if gas else "plain"]))
        account["number"] = number
        for sp in account["service_points"]:
            sp["id"] = f"{sp['id'][0]}{number}"
        if draw(st.booleans()):
            periods = draw(
                st.lists(
                    st.tuples(CENTS.filter(lambda d: d >= 0), CENTS.filter(lambda d: d >= 0)), min_size=1, max_size=4
                )
            )
            account["budget"] = {
                "monthly_amount": "90.00",
                "start": "2026-01-01",
                "periods": [
                    {"period_end": f"2026-0{m}-28", "billed": f"{p:.2f}", "paid": f"{p:.2f}", "actual": f"{a:.2f}"}
                    for m, (p, a) in enumerate(periods, start=1)
                ],
            }
        amounts = draw(st.lists(CENTS, min_size=1, max_size=5))
        out.append((number, account, draw(st.booleans()), amounts))
    return out


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(billed_accounts())
def test_every_charge_goes_once_to_an_810_or_the_direct_bill(case: list[tuple[str, dict, bool, list[Decimal]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        conn = fresh_store(root, [account for _, account, _, _ in case])
        path = root / "enrol.edi"
        path.write_text(
            interchange(
                5,
                [
                    request(f"{i:04d}", f"P{i}", number, blt="ESP" if sbo else "DUAL", pc="DUAL")
                    for i, (number, _, sbo, _) in enumerate(case, start=1)
                ],
            )
        )
        replay(conn, path)
        lines = []
        for number, account, _, amounts in case:
            points = []
            for sp in account["service_points"]:
                owner = conn.execute("SELECT account_number FROM service_points WHERE id = ?", (sp["id"],)).fetchone()
                points.append(
                    (
                        owner[0],
                        {
                            "id": sp["id"],
                            "lines": [
                                {
                                    "kind": "tax" if i % 3 == 2 else "charge",
                                    "code": f"C{i}",
                                    "description": "CHARGE",
                                    "amount": f"{a:.2f}",
                                    "print_order": i + 1,
                                }
                                for i, a in enumerate(amounts)
                            ],
                        },
                    )
                )
            for owner in sorted({o for o, _ in points}):
                lines.append(
                    {
                        "account": owner,
                        "bill_group": 7,
                        "period_start": str(PERIOD_1[0]),
                        "period_end": str(PERIOD_1[1]),
                        "service_points": [p for o, p in points if o == owner],
                    }
                )
        (root / "bills.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
        import_bills(conn, root / "bills.jsonl", datetime(2026, 12, 9, 20, tzinfo=CENTRAL))
        budget_total = sum(
            (Decimal(r[0]) for r in conn.execute("SELECT amount FROM direct_bill_charges WHERE kind LIKE 'budget%'")),
            Decimal("0"),
        )
        with transaction(conn) as tx:
            result = Invoicer(tx, datetime(2026, 12, 10, 6, tzinfo=CENTRAL)).run(7, *PERIOD_1)
        all_charges = sum((Decimal(r[0]) for r in conn.execute("SELECT amount FROM bill_lines")), Decimal("0"))
        conn.close()
    assert not result.errors
    to_res = sum((i.period_total for i in result.invoices), Decimal("0"))
    direct = sum((d.amount for d in result.direct_bills), Decimal("0"))
    assert to_res + direct == all_charges + budget_total  # nothing lost, nothing counted twice
    sbo_accounts = {number for number, _, sbo, _ in case if sbo}
    for invoice in result.invoices:  # only SBO accounts, only their electric service points, no prior balance
        assert invoice.account_number in sbo_accounts and invoice.prior_due == 0
        assert all(p.sp_id.startswith("E") for p in invoice.points)


def test_bill_import_reports_each_bad_line_and_loads_nothing(tmp_path: Path) -> None:
    from edi.store.snapshot import SnapshotError

    conn = fresh_store(tmp_path, [ACCOUNTS["plain"], ACCOUNTS["dual_ok"]])
    good = bill(ACCOUNTS["plain"]["number"], PERIOD_1, [electric("plain")])
    lines = [
        good,
        {**good, "account": "1999999999"},  # not an account of ours
        {**good, "bill_group": 3},  # the account is in group 7
        bill(ACCOUNTS["plain"]["number"], PERIOD_1, [("E000012", "EL", 10)]),  # another account's service point
        {**good, "period_end": str(PERIOD_1[0])},  # an empty period
        {
            **good,
            "service_points": [
                {
                    "id": "E000001",
                    "lines": [{"kind": "charge", "code": "x", "description": "D", "amount": "1.00", "print_order": 1}],
                }
            ],
        },  # code must be upper case
    ]
    path = tmp_path / "bills.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    with pytest.raises(SnapshotError) as caught:
        import_bills(conn, path, datetime(2026, 12, 9, 20, tzinfo=CENTRAL))
    messages = {e.line: e.message for e in caught.value.errors}
    assert sorted(messages) == [2, 3, 4, 5, 6]
    assert "no such account" in messages[2] and "bill group 7, not 3" in messages[3]
    assert "E000012 is not on the account" in messages[4] and "after period_start" in messages[5]
    assert "code" in messages[6]
    assert conn.execute("SELECT count(*) FROM bills_run").fetchone()[0] == 0  # type: ignore[attr-defined]
    path.write_text(json.dumps(good) + "\n" + json.dumps(good) + "\n")
    assert import_bills(conn, path, datetime(2026, 12, 9, 20, tzinfo=CENTRAL)) == 2
    assert conn.execute("SELECT count(*) FROM bills_run").fetchone()[0] == 1  # the same bill twice is one bill
