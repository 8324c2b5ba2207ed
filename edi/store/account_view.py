"""The portal-style view of one account (``accounts show``, ``state.json`` of the golden cases)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

from edi.store.accounts import past_due_on
from edi.store.connection import Db
from edi.store.usage import usage_reports

HISTORY_MONTHS = 12
# The lists of the view: key, query (one parameter: the account number), JSON columns to decode.
_LISTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("past_due", "SELECT amount, due_date FROM past_due WHERE account_number = ? ORDER BY due_date", ()),
    ("direct_bill_charges", "SELECT id, kind, amount, detail, created_on, outcome_id, billed_in"
     " FROM direct_bill_charges WHERE account_number = ? ORDER BY id", ("detail",)),
    ("sbo_invoices", "SELECT i.number, i.purpose, i.original_number, i.period_start, i.period_end, i.prior_due,"
     " i.period_total, i.cancelled_by, i.supplier_duns, (SELECT coalesce(group_concat(p.paid_on || ' ' || p.amount"
     " || coalesce(' 820#' || p.remittance_id, ''), '; '), '') FROM res_payments p WHERE p.invoice_number = i.number)"
     " AS paid, (SELECT coalesce(group_concat(f.verdict || ' ' || f.reason_code || ' ' || f.reason_text, '; '), '')"
     " FROM invoice_flags f WHERE f.invoice_number = i.number AND f.closed_at IS NULL) AS flag_824"
     " FROM invoices i WHERE i.account_number = ? ORDER BY i.id", ()),
    ("bills", "SELECT period_start, period_end, bill_date, due_date, amount, kwh, therms FROM bills"
     f" WHERE account_number = ? ORDER BY period_end DESC LIMIT {HISTORY_MONTHS}", ()),
    ("payments", "SELECT paid_on, amount, method FROM payments WHERE account_number = ? ORDER BY paid_on DESC"
     f" LIMIT {HISTORY_MONTHS}", ()),
    ("timeline", "SELECT t.at, t.rule, t.event, t.detail, t.outcome_id, o.request_id, o.st02, o.supplier_duns"
     " FROM timeline t LEFT JOIN outcomes o ON o.id = t.outcome_id WHERE t.account_number = ? ORDER BY t.id",
     ("detail",)),
)  # fmt: skip


def _rows(conn: Db, query: str, number: str, json_columns: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = [dict(r) for r in conn.execute(query, (number,))]
    for row in rows:
        row.update({c: json.loads(row[c]) for c in json_columns})
    return rows


def current_supply(conn: Db, sp_id: str, as_of: date) -> dict[str, Any]:
    """The billing option and supplier in force for a service point on ``as_of``, and the next change if any."""
    rows = conn.execute("SELECT supplier_duns, billing_type, bill_calculator, effective, off_cycle, kind FROM supply"
                        " WHERE sp_id = ? ORDER BY effective, id", (sp_id,)).fetchall()  # fmt: skip
    now: dict[str, Any] = {"supplier": None, "billing_type": "LDC", "bill_calculator": "LDC", "since": None}
    upcoming: list[dict[str, Any]] = []
    for r in rows:
        entry = {"supplier": r[0], "billing_type": r[1], "bill_calculator": r[2], "since": r[3],
                 "at": "23:59:59" if r[4] else "meter read", "kind": r[5]}  # fmt: skip
        if date.fromisoformat(r[3]) <= as_of:
            now = entry
        else:
            upcoming.append(entry)
    return {"current": now, "scheduled": upcoming}


def _service_points(conn: Db, number: str, as_of: date) -> list[dict[str, Any]]:
    names = {r[0]: r[1] for r in conn.execute("SELECT duns, name FROM suppliers")}
    points = []
    query = "SELECT id, commodity, rate_class, meter FROM service_points WHERE account_number = ? ORDER BY id"
    for sp in conn.execute(query, (number,)).fetchall():
        supply = current_supply(conn, sp[0], as_of)
        for entry in (supply["current"], *supply["scheduled"]):
            entry["supplier_name"] = names.get(entry["supplier"] or "", "")
        points.append({"id": sp[0], "commodity": sp[1], "rate_class": sp[2], "meter": sp[3], **supply})
    return points


def _budget(conn: Db, number: str) -> dict[str, Any] | None:
    """The budget plan with the running balance after each period (guide section 6)."""
    plan = conn.execute("SELECT * FROM budget_plans WHERE account_number = ?", (number,)).fetchone()
    if plan is None:
        return None
    periods = _rows(conn, "SELECT period_end, installment_billed, installment_paid, actual_charge FROM budget_periods"
                    " WHERE account_number = ? ORDER BY period_end", number, ())  # fmt: skip
    running = Decimal("0.00")
    for p in periods:
        running += Decimal(p["actual_charge"]) - Decimal(p["installment_paid"])
        p["running_balance"] = str(running)
    return {"monthly_amount": plan["monthly_amount"], "start": plan["start_date"], "active": plan["ended_on"] is None,
            "ended_on": plan["ended_on"], "periods": periods, "balance_due": str(running)}  # fmt: skip


def account_view(conn: Db, number: str, as_of: date) -> dict[str, Any] | None:
    """What the customer portal shows, then the timeline of what the processor changed and why."""
    row = conn.execute("SELECT * FROM accounts WHERE number = ?", (number,)).fetchone()
    if row is None:
        return None
    lists = {key: _rows(conn, query, number, decoded) for key, query, decoded in _LISTS}
    split_to = [r[0] for r in conn.execute("SELECT number FROM accounts WHERE split_from = ? ORDER BY number",
                                           (number,))]  # fmt: skip
    customer = {"name": row["customer_name"], **{k: row[k] for k in ("street", "city", "state", "zip")}}
    return {
        "account": number, "status": row["status"], "customer": customer, "bill_group": row["bill_group"],
        "balance": row["balance"], "due_date": row["due_date"], "past_due": lists["past_due"],
        "past_due_on_date": str(past_due_on(conn, number, as_of)), "summary_group": row["summary_group"],
        "direct_pay": {"on": bool(row["direct_pay"]), "bank_last4": row["direct_pay_bank"]},
        "usage_released": bool(row["usage_released"]),
        "split_from": row["split_from"], "split_to": split_to, "service_points": _service_points(conn, number, as_of),
        "budget": _budget(conn, number), "direct_bill_charges": lists["direct_bill_charges"],
        "sbo_invoices": lists["sbo_invoices"], "bills": lists["bills"], "payments": lists["payments"],
        "usage_reports": usage_reports(conn, number), "timeline": lists["timeline"], "as_of": as_of.isoformat(),
    }  # fmt: skip
