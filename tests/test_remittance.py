"""D13: 820 remittances matched to our 810s, what stays open, what a person is shown, and the money invariant."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from cli import main
from edi.flows.outbound import Invoicer
from edi.store.connection import transaction
from edi.store.snapshot import import_bills
from edi.times import zone
from rules.remittance import LineStatus, OpenInvoice, PaidLine, decide_remittance
from scripts.make_example_data import ACCOUNTS, PERIOD_1, billing_run, interchange, remittance, request
from tests.store_helpers import fresh_store, replay

KEYS = ["plain", "budget_credit", "summary"]


def _invoiced(folder: Path) -> tuple[object, Path]:
    conn = fresh_store(folder, [ACCOUNTS[k] for k in KEYS])
    enrol = folder / "enrol.edi"
    enrol.write_text(interchange(77, [request(f"{n:04d}", f"E{n}", ACCOUNTS[k]["number"]) for n, k in
                                      enumerate(KEYS, start=1)]))  # fmt: skip
    replay(conn, enrol)
    bills = folder / "bills.jsonl"
    bills.write_text("".join(json.dumps(line) + "\n" for line in billing_run(PERIOD_1, KEYS)))
    import_bills(conn, bills, datetime(2026, 12, 9, 20, tzinfo=zone()))
    with transaction(conn) as tx:  # type: ignore[arg-type]
        Invoicer(tx, datetime(2026, 12, 10, 6, tzinfo=zone())).run(7, *PERIOD_1)
    return conn, folder / "store.db"


def _open(conn: object) -> dict[str, str]:
    rows = conn.execute(  # type: ignore[attr-defined]
        "SELECT i.number, i.period_total, coalesce((SELECT group_concat(amount, ' ') FROM res_payments p"
        " WHERE p.invoice_number = i.number), '') FROM invoices i ORDER BY i.number"
    )
    return {n: str(Decimal(t) - sum((Decimal(p) for p in paid.split()), Decimal("0.00"))) for n, t, paid in rows}


def test_an_820_paying_two_of_three_leaves_the_third_open_and_status_names_the_unknown_line(tmp_path: Path) -> None:
    conn, db = _invoiced(tmp_path)
    totals = {n: Decimal(t) for n, t in conn.execute("SELECT number, period_total FROM invoices")}  # type: ignore[attr-defined]
    paid = tmp_path / "remit.edi"
    paid.write_text(remittance(2001, "T1", [("AIC0000000001", totals["AIC0000000001"]),
                                            ("AIC0000000002", totals["AIC0000000002"]),
                                            ("AIC0000009999", Decimal("10.00"))]))  # fmt: skip
    run = replay(conn, paid)
    assert run.outcomes == {"accepted": 1}
    assert _open(conn) == {
        "AIC0000000001": "0.00",
        "AIC0000000002": "0.00",
        "AIC0000000003": str(totals["AIC0000000003"]),
    }
    status = CliRunner().invoke(main, ["status", "--db", str(db)], env={"SBO_EDI_CONFIG": ""})
    assert status.exit_code == 1 and "10.00 in 1 line(s) matched no open 810" in status.output
    explained = CliRunner().invoke(main, ["explain", "T1", "--db", str(db)], env={"SBO_EDI_CONFIG": ""})
    assert "820 line 3: AIC0000009999 unknown invoice, applied 0.00, reported 10.00" in explained.output
    again = tmp_path / "again.edi"
    again.write_text(remittance(2002, "T1", [("AIC0000000003", Decimal("5.00"))]))  # same payer and TRN02
    assert replay(conn, again).outcomes == {"rejected": 1}
    assert _open(conn)["AIC0000000003"] == str(totals["AIC0000000003"])  # nothing applied twice
    (first,) = [r[0] for r in conn.execute("SELECT id FROM remittances WHERE applied = 1")]  # type: ignore[attr-defined]
    reviewed = CliRunner().invoke(main, ["remittances", "reviewed", str(first), "--note", "refunded", "--db", str(db)])
    assert reviewed.exit_code == 0
    listed = CliRunner().invoke(main, ["remittances", "list", "--db", str(db), "--json"])
    assert [r["trace"] for r in json.loads(listed.output)] == ["T1"]  # only the refused duplicate is left


def test_a_bank_pays_only_for_the_res_it_is_registered_for(tmp_path: Path) -> None:
    conn, _db = _invoiced(tmp_path)
    bank = ("FIRST BANK", "777777777")
    conn.execute("INSERT INTO remitters VALUES (?, ?)", (bank[1], "222222222"))  # type: ignore[attr-defined]
    conn.commit()  # type: ignore[attr-defined]
    paid = tmp_path / "bank.edi"
    paid.write_text(remittance(2003, "B1", [("AIC0000000001", Decimal("1.00"))], sender=bank))
    assert replay(conn, paid).outcomes == {"accepted": 1}
    other = tmp_path / "other.edi"
    other.write_text(remittance(2004, "B2", [("AIC0000000001", Decimal("1.00"))], sender=bank,
                                payer=("LAKESIDE ENERGY INC", "4444444440001")))  # fmt: skip
    assert replay(conn, other).outcomes == {"rejected": 1}


MONEY = st.decimals(min_value=Decimal("-50.00"), max_value=Decimal("500.00"), places=2)
NUMBERS = st.sampled_from(["AIC1", "AIC2", "AIC3", "AIC9"])


@given(
    st.lists(st.tuples(NUMBERS, MONEY), min_size=1, max_size=8),
    st.dictionaries(
        st.sampled_from(["AIC1", "AIC2", "AIC3"]),
        st.tuples(
            st.sampled_from(["P", "Q"]), st.decimals(min_value=Decimal("0.00"), max_value=Decimal("300.00"), places=2)
        ),
    ),
)
def test_money_in_equals_money_applied_plus_money_reported(
    lines: list[tuple[str, Decimal]], invoices: dict[str, tuple[str, Decimal]]
) -> None:
    paid = [PaidLine(n, invoice, amount) for n, (invoice, amount) in enumerate(lines, start=1)]
    open_ = {number: OpenInvoice(payer, amount) for number, (payer, amount) in invoices.items()}
    total = sum((line.amount for line in paid), Decimal("0.00"))
    decision = decide_remittance(total, "P", paid, open_, duplicate=False, authorized=True)
    assert decision.accepted and decision.applied + decision.reported == total
    for number, invoice in open_.items():
        applied = sum((m.applied for m in decision.matches if m.invoice == number), Decimal("0.00"))
        assert applied <= max(invoice.open_amount, Decimal("0.00"))  # never more than was open
        if invoice.supplier_duns != "P":
            assert applied == 0  # another RES's 810 is never paid by this payer
    assert all(m.applied == 0 for m in decision.matches if m.status is LineStatus.UNKNOWN)
    refused = decide_remittance(total + 1, "P", paid, open_, duplicate=False, authorized=True)
    assert not refused.accepted and refused.matches == ()  # BPR02 off: nothing applied


def test_an_824_reject_shows_in_status_and_accounts_show_and_money_is_unchanged(tmp_path: Path) -> None:
    from scripts.make_example_data import advice

    conn, db = _invoiced(tmp_path)
    before = _open(conn)
    reject = tmp_path / "reject.edi"
    items = [("TR", "AIC0000000001", "A13", "WRONG RATE"), ("TR", "AIC0000009999", "A76", "ACCOUNT NOT FOUND")]
    reject.write_text(advice(3001, "ADV1", "1000000001", items))
    assert replay(conn, reject).outcomes == {"accepted": 1}
    assert _open(conn) == before  # D14: money never changes by itself
    status = CliRunner().invoke(main, ["status", "--db", str(db)], env={"SBO_EDI_CONFIG": ""})
    assert status.exit_code == 1
    assert "810 AIC0000000001 rejected by an 824 (TR: A13 WRONG RATE)" in status.output
    assert "names no 810 of ours (AIC0000009999)" in status.output
    explained = CliRunner().invoke(main, ["explain", "ADV1", "--db", str(db)], env={"SBO_EDI_CONFIG": ""})
    assert "824 TR on AIC0000000001: A13 WRONG RATE (open)" in explained.output
    shown = CliRunner().invoke(main, ["accounts", "show", "1000000001", "--db", str(db), "--json"])
    (first, *_rest) = json.loads(shown.output)["sbo_invoices"]
    assert first["flag_824"] == "TR A13 WRONG RATE"
    for key in ("AIC0000000001", "AIC0000009999"):
        cleared = CliRunner().invoke(main, ["invoices", "clear-flag", key, "--note", "called the RES", "--db", str(db)])
        assert cleared.exit_code == 0, cleared.output
    after = CliRunner().invoke(main, ["status", "--db", str(db)], env={"SBO_EDI_CONFIG": ""})
    assert "rejected by an 824" not in after.output and "clear-flag" not in after.output


def test_the_824_items_decide_as_d14_says() -> None:
    from rules.advice import AdviceItem, InvoiceState, ItemAction, decide_item

    states = {"A1": InvoiceState("P"), "A2": InvoiceState("P", ("TR", "A13")), "B1": InvoiceState("Q")}
    assert decide_item(AdviceItem("TR", "A1", "810", (("A13", "X"),)), "P", states) is ItemAction.FLAG
    assert decide_item(AdviceItem("TR", "A2", "810", (("A13", "X"),)), "P", states) is ItemAction.ALREADY
    assert decide_item(AdviceItem("TA", "A2", "810"), "P", states) is ItemAction.CLOSE
    assert decide_item(AdviceItem("TA", "A1", "810"), "P", states) is ItemAction.NOTHING_OPEN
    assert decide_item(AdviceItem("TR", "B1", "810"), "P", states) is ItemAction.NOT_THEIRS
    assert decide_item(AdviceItem("TR", "Z9", "810"), "P", states) is ItemAction.UNKNOWN
    assert decide_item(AdviceItem("TR", "A1", "867"), "P", states) is ItemAction.NOT_810


def test_a_payment_entered_by_hand_cannot_exceed_what_is_open_unless_it_says_so(tmp_path: Path) -> None:
    conn, db = _invoiced(tmp_path)
    (total,) = conn.execute("SELECT period_total FROM invoices WHERE number = 'AIC0000000001'").fetchone()  # type: ignore[attr-defined]
    over = str(Decimal(total) + Decimal("5.00"))
    line = {"invoice": "AIC0000000001", "amount": over, "paid_on": "2026-12-20"}
    path = tmp_path / "pay.jsonl"
    path.write_text(json.dumps(line) + "\n")
    refused = CliRunner().invoke(main, ["res-payments", "import", str(path), "--db", str(db)])
    assert refused.exit_code == 1 and f"more than the {total} open on AIC0000000001" in refused.output
    path.write_text(json.dumps({**line, "beyond_open": True}) + "\n")
    taken = CliRunner().invoke(main, ["res-payments", "import", str(path), "--db", str(db)])
    assert taken.exit_code == 0, taken.output
    rows = conn.execute("SELECT amount, beyond_open FROM res_payments").fetchall()  # type: ignore[attr-defined]
    assert [tuple(r) for r in rows] == [(over, 1)]  # the flag is recorded with the payment


def test_an_810_sent_to_us_gets_a_deliberate_outcome_not_a_997_reject(tmp_path: Path) -> None:
    from tests.goldens import FIXTURES

    ours = (FIXTURES / "good" / "810_sbo_invoice.edi").read_text()
    swapped = ours.replace("*01*111111111      *01*222222222      *", "*01*222222222      *01*111111111      *", 1)
    swapped = swapped.replace("GS*IN*111111111*222222222*", "GS*IN*222222222*111111111*", 1)
    path = tmp_path / "810_from_a_res.edi"
    path.write_text(swapped)
    conn = fresh_store(tmp_path)
    run = replay(conn, path)
    assert run.outcomes == {"not processed: an 810 is sent by the utility, never received": 1}
    ack = next(o.content for o in run.outputs if o.kind == "997")
    assert "AK1*IN*201~" in ack and "AK5*A~" in ack  # acknowledged as read, and recorded as not ours to process
