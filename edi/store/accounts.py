"""Reading accounts: the state the rules decide against (``account_view`` has what a person sees)."""

from __future__ import annotations

import sqlite3
from datetime import date
from decimal import Decimal

from rules.model import (
    Account,
    BudgetPlan,
    Commodity,
    PendingEnrollment,
    ReadCalendar,
    ServicePoint,
    Supplier,
)


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


def account_numbers(conn: sqlite3.Connection) -> list[str]:
    """Every account number in the store, in order."""
    return [str(r[0]) for r in conn.execute("SELECT number FROM accounts ORDER BY number")]
