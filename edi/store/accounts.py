"""Reading accounts: the state the rules decide against (``account_view`` has what a person sees)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from edi.store.engine import Db
from rules.model import (
    Account,
    BudgetPlan,
    Commodity,
    PendingEnrollment,
    ReadCalendar,
    ServicePoint,
    Supplier,
    SupplyState,
)


def _money(values: list[str]) -> Decimal:
    return sum((Decimal(v) for v in values), Decimal("0.00"))


def past_due_on(conn: Db, number: str, as_of: date) -> Decimal:
    """D2: the past-due amount on the processing date (amounts whose due date has passed)."""
    rows = conn.execute(
        "SELECT amount FROM past_due WHERE account_number = ? AND due_date < ?", (number, as_of.isoformat())
    ).fetchall()
    return _money([r[0] for r in rows])


def load_account(conn: Db, number: str, as_of: date) -> Account | None:
    """The rules' view of one account on ``as_of``, or None when the utility has no such account."""
    return read_accounts(conn, [number], as_of).get(number)


def supply_state(conn: Db, number: str, as_of: date) -> SupplyState:
    """D8: who supplies the account's electric points as last scheduled, and whether a drop is pending."""
    rows = conn.execute(
        "SELECT supply.supplier_duns, supply.effective, supply.kind, supply.supplier_account FROM supply"
        " JOIN service_points sp"
        " ON sp.id = supply.sp_id WHERE sp.account_number = ? AND sp.commodity = 'EL'"
        " ORDER BY supply.effective DESC, supply.id DESC LIMIT 2",
        (number,),
    ).fetchall()
    return _supply_from(tuple(rows[0]) if rows else None, as_of)


def _supply_from(last: tuple[str | None, str, str, str | None] | None, as_of: date) -> SupplyState:
    """D8: the state the last scheduled supply row (duns, effective, kind, RES account) leaves the account in."""
    if last is None:
        return SupplyState(None)
    duns, effective, kind, supplier_account = last
    if kind == "drop":
        return SupplyState(None, date.fromisoformat(effective) if effective > as_of.isoformat() else None)
    return SupplyState(duns, None, supplier_account or "")


def supply_states(conn: Db, numbers: list[str], as_of: date) -> dict[str, SupplyState]:
    """``supply_state`` of many accounts (at most ``PRIME_BLOCK``) in one query."""
    marks = ", ".join("?" for _ in numbers)
    rows = conn.execute(
        "SELECT sp.account_number, supply.supplier_duns, supply.effective, supply.kind, supply.supplier_account"
        f" FROM supply JOIN service_points sp ON sp.id = supply.sp_id WHERE sp.account_number IN ({marks})"
        " AND sp.commodity = 'EL' ORDER BY sp.account_number, supply.effective DESC, supply.id DESC",
        numbers,
    )
    last: dict[str, tuple[str | None, str, str, str | None]] = {}
    for row in rows:
        last.setdefault(row[0], tuple(row)[1:])
    return {number: _supply_from(last.get(number), as_of) for number in numbers}


def requests_seen(conn: Db, requests: list[tuple[str, str]]) -> dict[tuple[str, str], bool]:
    """``request_seen`` of many (RES DUNS, BGN02) pairs: a query per RES and ``PRIME_BLOCK`` (on the key index)."""
    by_supplier: dict[str, list[str]] = {}
    for duns, request_id in requests:
        by_supplier.setdefault(duns, []).append(request_id)
    found: set[tuple[str, str]] = set()
    for duns, ids in by_supplier.items():
        for start in range(0, len(ids), PRIME_BLOCK):
            chunk = ids[start : start + PRIME_BLOCK]
            marks = ", ".join("?" for _ in chunk)
            query = f"SELECT request_id FROM requests_seen WHERE supplier_duns = ? AND request_id IN ({marks})"
            found.update((duns, str(r[0])) for r in conn.execute(query, (duns, *chunk)))
    return {pair: pair in found for pair in requests}


def load_supplier(conn: Db, duns: str) -> Supplier | None:
    """A registered RES by DUNS (N1*SJ N104), or None (UND)."""
    row = conn.execute("SELECT duns, name, billing_types FROM suppliers WHERE duns = ?", (duns,)).fetchone()
    return None if row is None else Supplier(row[0], row[1], frozenset(row[2].split()))


def load_calendar(conn: Db) -> ReadCalendar:
    """Every bill group's scheduled reads and the utility holidays."""
    reads: dict[int, list[date]] = {}
    for group, day in conn.execute("SELECT bill_group, read_date FROM read_dates ORDER BY bill_group, read_date"):
        reads.setdefault(int(group), []).append(date.fromisoformat(day))
    holidays = frozenset(date.fromisoformat(r[0]) for r in conn.execute("SELECT day FROM holidays"))
    return ReadCalendar({g: tuple(d) for g, d in reads.items()}, holidays)


def request_seen(conn: Db, supplier_duns: str, request_id: str) -> bool:
    """D7: this RES already sent this BGN02."""
    return (
        conn.execute(
            "SELECT 1 FROM requests_seen WHERE supplier_duns = ? AND request_id = ?", (supplier_duns, request_id)
        ).fetchone()
        is not None
    )


def account_numbers(conn: Db) -> list[str]:
    """Every account number in the store, in order."""
    return [str(r[0]) for r in conn.execute("SELECT number FROM accounts ORDER BY number")]


PRIME_BLOCK = 500  # accounts read per query when a block of requests is primed (within SQLite's 999 parameters)


class AccountCache:
    """Accounts read a block at a time for the requests about to be decided: a few queries a block, not a few a request.

    Besides the accounts, a block primes who supplies each (D8) and which of its BGN02s were seen before (D7).
    Whatever a decision changes is forgotten at once, so a later request in the same file sees the store as it
    now is; a number not primed is read on its own, as ``load_account`` does.
    """

    def __init__(self, conn: Db, as_of: date) -> None:
        self.conn = conn
        self.as_of = as_of
        self.known: dict[str, Account | None] = {}
        self.supplied: dict[str, SupplyState] = {}
        self.requests: dict[tuple[str, str], bool] = {}

    def get(self, number: str) -> Account | None:
        """The account as the store holds it now."""
        if number in self.known:
            return self.known[number]
        return load_account(self.conn, number, self.as_of)

    def supply(self, number: str) -> SupplyState:
        """Who supplies the account now (``supply_state``), from the block when it was read with it."""
        state = self.supplied.get(number)
        return state if state is not None else supply_state(self.conn, number, self.as_of)

    def seen(self, supplier_duns: str, request_id: str) -> bool:
        """D7: this RES already sent this BGN02 (``request_seen``), from the block when it was read with it."""
        seen = self.requests.get((supplier_duns, request_id))
        return seen if seen is not None else request_seen(self.conn, supplier_duns, request_id)

    def forget(self, number: str) -> None:
        """A decision changed this account: read it again next time."""
        self.known.pop(number, None)
        self.supplied.pop(number, None)

    def forget_request(self, supplier_duns: str, request_id: str) -> None:
        """A request was recorded: whether its BGN02 was seen is read again next time."""
        self.requests.pop((supplier_duns, request_id), None)

    def prime(self, numbers: list[str], requests: list[tuple[str, str]] | None = None) -> None:
        """Read these accounts and requests (at most ``PRIME_BLOCK`` each), a query per table; the last block goes."""
        wanted = sorted(set(numbers))[:PRIME_BLOCK]
        self.known = dict.fromkeys(wanted)
        self.supplied = {}
        if wanted:
            self.known.update(read_accounts(self.conn, wanted, self.as_of))
            self.supplied = supply_states(self.conn, wanted, self.as_of)
        self.requests = requests_seen(self.conn, list(dict.fromkeys(requests or []))[:PRIME_BLOCK])


_COMMODITIES = {c.value: c for c in Commodity}
_ZERO = Decimal("0.00")


def read_accounts(conn: Db, numbers: list[str], as_of: date) -> dict[str, Account]:
    """The rules' view of these accounts (at most ``PRIME_BLOCK``) on ``as_of``: one query per table."""
    marks = ", ".join("?" for _ in numbers)
    query = ("SELECT number, status, bill_group, summary_group, direct_pay, usage_released FROM accounts"
             f" WHERE number IN ({marks})")  # fmt: skip
    rows = conn.execute(query, numbers).fetchall()
    points_of, plans, periods_of, pending_of, due_of = _account_parts(conn, numbers, marks, as_of)
    found: dict[str, Account] = {}
    for number, status, group, summary, direct, released in rows:
        budget = None
        plan = plans.get(number)
        if plan:
            periods = periods_of.get(number, ())
            budget = BudgetPlan(Decimal(plan[0][0]), tuple(Decimal(p[0]) for p in periods),
                                tuple(Decimal(p[1]) for p in periods))  # fmt: skip
        due = due_of.get(number)
        pending = pending_of.get(number)
        found[number] = Account(
            number=number, active=status == "active", bill_group=int(group),
            service_points=tuple(ServicePoint(p[0], _COMMODITIES[p[1]], p[2]) for p in points_of.get(number, ())),
            past_due=_money([d[0] for d in due]) if due else _ZERO, budget=budget, summary_group=summary,
            direct_pay=bool(direct), usage_released=bool(released),
            pending=tuple(PendingEnrollment(p[0], date.fromisoformat(p[1])) for p in pending) if pending else (),
        )  # fmt: skip
    return found


def _account_parts(conn: Db, numbers: list[str], marks: str,
                   as_of: date) -> list[dict[str, list[tuple[str, ...]]]]:  # fmt: skip
    """Service points, open plan, its periods, pending supply and past-due amounts of many accounts, by account."""
    day = as_of.isoformat()
    queries = (
        (f"SELECT account_number, id, commodity, rate_class FROM service_points WHERE account_number IN ({marks})"
         " ORDER BY id", ()),
        (f"SELECT account_number, monthly_amount FROM budget_plans WHERE account_number IN ({marks})"
         " AND ended_on IS NULL", ()),
        (f"SELECT account_number, installment_paid, actual_charge FROM budget_periods WHERE account_number IN"
         f" ({marks}) ORDER BY account_number, period_end", ()),
        (f"SELECT DISTINCT sp.account_number, supplier_duns, effective FROM supply JOIN service_points sp"
         f" ON sp.id = supply.sp_id WHERE sp.account_number IN ({marks}) AND supply.kind IN ('enrollment',"
         " 'snapshot') AND supply.supplier_duns IS NOT NULL AND supply.effective > ?"
         " ORDER BY sp.account_number, supplier_duns, effective", (day,)),
        (f"SELECT account_number, amount FROM past_due WHERE account_number IN ({marks}) AND due_date < ?", (day,)),
    )  # fmt: skip
    parts: list[dict[str, list[tuple[str, ...]]]] = []
    for query, extra in queries:
        found: dict[str, list[tuple[str, ...]]] = {}
        for row in conn.execute(query, (*numbers, *extra)):
            rows = found.get(row[0])
            if rows is None:
                rows = found[row[0]] = []
            rows.append(row[1:])
        parts.append(found)
    return parts
