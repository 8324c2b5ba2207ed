"""Reading accounts: the state the rules decide against, and the portal-style view of ``accounts show``."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal
from typing import Any

from rules.model import (
    Account,
    BudgetPlan,
    Commodity,
    PendingEnrollment,
    ReadCalendar,
    ServicePoint,
    Supplier,
)

HISTORY_MONTHS = 12


def _money(values: list[str]) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal("0.00"))


def past_due_on(conn: sqlite3.Connection, number: str, as_of: date) -> Decimal:
    """D2: the past-due amount on the processing date (amounts whose due date has passed)."""
    rows = conn.execute(
        "SELECT amount FROM past_due WHERE account_number = ? AND due_date < ?", (number, as_of.isoformat())
    ).fetchall()
    return _money([r[0] for r in rows])


def load_account(conn: sqlite3.Connection, number: str, as_of: date) -> Account | None:
    """The rules' view of one account on ``as_of``, or None when the utility has no such account."""
    row = conn.execute("SELECT * FROM accounts WHERE number = ?", (number,)).fetchone()
    if row is None:
        return None
    points = conn.execute(
        "SELECT id, commodity, rate_class FROM service_points WHERE account_number = ? ORDER BY id", (number,)
    ).fetchall()
    budget = None
    plan = conn.execute(
        "SELECT monthly_amount FROM budget_plans WHERE account_number = ? AND ended_on IS NULL", (number,)
    ).fetchone()
    if plan is not None:
        periods = conn.execute(
            "SELECT installment_paid, actual_charge FROM budget_periods WHERE account_number = ? ORDER BY period_end",
            (number,),
        ).fetchall()
        budget = BudgetPlan(
            Decimal(plan[0]), tuple(Decimal(p[0]) for p in periods), tuple(Decimal(p[1]) for p in periods)
        )
    pending = conn.execute(
        "SELECT DISTINCT supplier_duns, effective FROM supply JOIN service_points sp ON sp.id = supply.sp_id"
        " WHERE sp.account_number = ? AND supply.kind IN ('enrollment', 'snapshot')"
        " AND supply.supplier_duns IS NOT NULL AND supply.effective > ?",
        (number, as_of.isoformat()),
    ).fetchall()
    return Account(
        number=number,
        active=row["status"] == "active",
        bill_group=int(row["bill_group"]),
        service_points=tuple(ServicePoint(p[0], Commodity(p[1]), p[2]) for p in points),
        past_due=past_due_on(conn, number, as_of),
        budget=budget,
        summary_group=row["summary_group"],
        direct_pay=bool(row["direct_pay"]),
        pending=tuple(PendingEnrollment(p[0], date.fromisoformat(p[1])) for p in pending),
    )


def load_supplier(conn: sqlite3.Connection, duns: str) -> Supplier | None:
    """A registered RES by DUNS (N1*SJ N104), or None (UND)."""
    row = conn.execute("SELECT duns, name, billing_types FROM suppliers WHERE duns = ?", (duns,)).fetchone()
    return None if row is None else Supplier(row[0], row[1], frozenset(row[2].split()))


def load_calendar(conn: sqlite3.Connection) -> ReadCalendar:
    """Every bill group's scheduled reads and the utility holidays."""
    reads: dict[int, list[date]] = {}
    for group, day in conn.execute("SELECT bill_group, read_date FROM read_dates ORDER BY bill_group, read_date"):
        reads.setdefault(int(group), []).append(date.fromisoformat(day))
    holidays = frozenset(date.fromisoformat(r[0]) for r in conn.execute("SELECT day FROM holidays"))
    return ReadCalendar({g: tuple(d) for g, d in reads.items()}, holidays)


def request_seen(conn: sqlite3.Connection, supplier_duns: str, request_id: str) -> bool:
    """D7: this RES already sent this BGN02."""
    return (
        conn.execute(
            "SELECT 1 FROM requests_seen WHERE supplier_duns = ? AND request_id = ?", (supplier_duns, request_id)
        ).fetchone()
        is not None
    )


def current_supply(conn: sqlite3.Connection, sp_id: str, as_of: date) -> dict[str, Any]:
    """The billing option and supplier in force for a service point on ``as_of``, and the next change if any."""
    rows = conn.execute(
        "SELECT supplier_duns, billing_type, bill_calculator, effective, off_cycle, kind FROM supply"
        " WHERE sp_id = ? ORDER BY effective, id",
        (sp_id,),
    ).fetchall()
    now: dict[str, Any] = {"supplier": None, "billing_type": "LDC", "bill_calculator": "LDC", "since": None}
    upcoming: list[dict[str, Any]] = []
    for r in rows:
        entry = {
            "supplier": r[0],
            "billing_type": r[1],
            "bill_calculator": r[2],
            "since": r[3],
            "at": "23:59:59" if r[4] else "meter read",
            "kind": r[5],
        }
        if date.fromisoformat(r[3]) <= as_of:
            now = entry
        else:
            upcoming.append(entry)
    return {"current": now, "scheduled": upcoming}


def account_view(conn: sqlite3.Connection, number: str, as_of: date) -> dict[str, Any] | None:
    """What the customer portal shows, then the timeline of what the processor changed and why."""
    row = conn.execute("SELECT * FROM accounts WHERE number = ?", (number,)).fetchone()
    if row is None:
        return None
    names = {r[0]: r[1] for r in conn.execute("SELECT duns, name FROM suppliers")}
    points = []
    for sp in conn.execute(
        "SELECT id, commodity, rate_class, meter FROM service_points WHERE account_number = ? ORDER BY id", (number,)
    ).fetchall():
        supply = current_supply(conn, sp[0], as_of)
        for entry in (supply["current"], *supply["scheduled"]):
            entry["supplier_name"] = names.get(entry["supplier"] or "", "")
        points.append({"id": sp[0], "commodity": sp[1], "rate_class": sp[2], "meter": sp[3], **supply})
    plan = conn.execute("SELECT * FROM budget_plans WHERE account_number = ?", (number,)).fetchone()
    budget = None
    if plan is not None:
        periods = [
            dict(p)
            for p in conn.execute(
                "SELECT period_end, installment_billed, installment_paid, actual_charge FROM budget_periods"
                " WHERE account_number = ? ORDER BY period_end",
                (number,),
            )
        ]
        running = Decimal("0.00")
        for p in periods:
            running += Decimal(p["actual_charge"]) - Decimal(p["installment_paid"])
            p["running_balance"] = str(running)
        budget = {
            "monthly_amount": plan["monthly_amount"],
            "start": plan["start_date"],
            "active": plan["ended_on"] is None,
            "ended_on": plan["ended_on"],
            "periods": periods,
            "balance_due": str(running),
        }
    bills = [
        dict(b)
        for b in conn.execute(
            "SELECT period_start, period_end, bill_date, due_date, amount, kwh, therms FROM bills"
            " WHERE account_number = ? ORDER BY period_end DESC LIMIT ?",
            (number, HISTORY_MONTHS),
        )
    ]
    payments = [
        dict(p)
        for p in conn.execute(
            "SELECT paid_on, amount, method FROM payments WHERE account_number = ? ORDER BY paid_on DESC LIMIT ?",
            (number, HISTORY_MONTHS),
        )
    ]
    direct = [
        {**dict(c), "detail": json.loads(c["detail"])}
        for c in conn.execute(
            "SELECT id, kind, amount, detail, created_on, outcome_id FROM direct_bill_charges WHERE account_number = ?"
            " ORDER BY id",
            (number,),
        )
    ]
    timeline = [
        {**dict(t), "detail": json.loads(t["detail"])}
        for t in conn.execute(
            "SELECT t.at, t.rule, t.event, t.detail, t.outcome_id, o.request_id, o.st02, o.supplier_duns"
            " FROM timeline t LEFT JOIN outcomes o ON o.id = t.outcome_id WHERE t.account_number = ? ORDER BY t.id",
            (number,),
        )
    ]
    invoices = [
        dict(i)
        for i in conn.execute(
            "SELECT number, purpose, original_number, period_start, period_end, prior_due, period_total, cancelled_by,"
            " supplier_duns FROM invoices WHERE account_number = ? ORDER BY id",
            (number,),
        )
    ]
    split_to = [
        r[0] for r in conn.execute("SELECT number FROM accounts WHERE split_from = ? ORDER BY number", (number,))
    ]
    past_due = [
        dict(p)
        for p in conn.execute(
            "SELECT amount, due_date FROM past_due WHERE account_number = ? ORDER BY due_date", (number,)
        )
    ]
    return {
        "account": number,
        "status": row["status"],
        "customer": {
            "name": row["customer_name"],
            "street": row["street"],
            "city": row["city"],
            "state": row["state"],
            "zip": row["zip"],
        },
        "bill_group": row["bill_group"],
        "balance": row["balance"],
        "due_date": row["due_date"],
        "past_due": past_due,
        "past_due_on_date": str(past_due_on(conn, number, as_of)),
        "summary_group": row["summary_group"],
        "direct_pay": {"on": bool(row["direct_pay"]), "bank_last4": row["direct_pay_bank"]},
        "split_from": row["split_from"],
        "split_to": split_to,
        "service_points": points,
        "budget": budget,
        "direct_bill_charges": direct,
        "sbo_invoices": invoices,
        "bills": bills,
        "payments": payments,
        "timeline": timeline,
        "as_of": as_of.isoformat(),
    }


def granted_facts(conn: sqlite3.Connection, number: str) -> tuple[int, tuple[str, ...]]:
    """The bill group and electric rate classes an 814 response states for an accepted account."""
    row = conn.execute("SELECT bill_group FROM accounts WHERE number = ?", (number,)).fetchone()
    rates = conn.execute(
        "SELECT rate_class FROM service_points WHERE account_number = ? AND commodity = 'EL' ORDER BY id", (number,)
    ).fetchall()
    return int(row[0]), tuple(r[0] for r in rates)


def account_numbers(conn: sqlite3.Connection) -> list[str]:
    """Every account number in the store, in order."""
    return [str(r[0]) for r in conn.execute("SELECT number FROM accounts ORDER BY number")]
