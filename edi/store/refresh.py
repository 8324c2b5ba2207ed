"""``accounts import --update``: an account's billing facts refreshed from the utility's billing system.

What the billing system owns is replaced (balance, due date, past-due amounts, bills, payments, the budget plan's
amount and periods); what sbo-edi decided stays (supply rows, switch notices, gas splits, the timeline, a budget
plan it ended under R1). All or nothing, like every snapshot import; a new account in the file is inserted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edi.store import snapshot
from edi.store.engine import Db

# The billing facts a refresh replaces, each a table of rows keyed by the account number (query, then insert).
_LISTS: dict[str, tuple[str, str, str]] = {
    "past_due": ("SELECT amount, due_date FROM past_due WHERE account_number = ? ORDER BY due_date",
                 "INSERT INTO past_due VALUES (?, ?, ?)", "past_due"),
    "bills": ("SELECT period_start, period_end, bill_date, due_date, amount, kwh, therms FROM bills"
              " WHERE account_number = ? ORDER BY period_end", "INSERT INTO bills VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              "bills"),
    "payments": ("SELECT paid_on, amount, method FROM payments WHERE account_number = ? ORDER BY paid_on",
                 "INSERT INTO payments VALUES (?, ?, ?, ?)", "payments"),
}  # fmt: skip


def _rows(record: dict[str, Any], kind: str) -> list[tuple[Any, ...]]:
    """The snapshot's rows of one list, in the table's column order (without the account number)."""
    if kind == "past_due":
        return sorted((p["amount"], p["due_date"]) for p in record.get("past_due", []))
    if kind == "bills":
        return sorted((b["period_start"], b["period_end"], b["bill_date"], b["due_date"], b["amount"],
                       b.get("kwh", "0"), b.get("therms", "0")) for b in record.get("bills", []))  # fmt: skip
    return sorted((p["date"], p["amount"], p.get("method", "")) for p in record.get("payments", []))


def _replace_list(conn: Db, number: str, record: dict[str, Any], kind: str) -> bool:
    query, insert, table = _LISTS[kind]
    new = _rows(record, kind)
    old = sorted(tuple(r) for r in conn.execute(query, (number,)))
    if old == new:
        return False
    conn.execute(f"DELETE FROM {table} WHERE account_number = ?", (number,))
    conn.executemany(insert, [(number, *row) for row in new])
    return True


def _budget(conn: Db, number: str, budget: dict[str, Any] | None) -> bool:
    """The plan's amount and periods; a plan sbo-edi ended (R1) stays ended."""
    if budget is None:
        return False
    old = conn.execute("SELECT monthly_amount, start_date FROM budget_plans WHERE account_number = ?", (number,))
    periods = sorted((p["period_end"], p["billed"], p["paid"], p["actual"]) for p in budget["periods"])
    stored = sorted(tuple(r) for r in conn.execute("SELECT period_end, installment_billed, installment_paid,"
                                                   " actual_charge FROM budget_periods WHERE account_number = ?",
                                                   (number,)))  # fmt: skip
    plan = old.fetchone()
    if plan is not None and tuple(plan) == (budget["monthly_amount"], budget["start"]) and stored == periods:
        return False
    conn.execute("INSERT INTO budget_plans (account_number, monthly_amount, start_date) VALUES (?, ?, ?) ON CONFLICT"
                 " (account_number) DO UPDATE SET monthly_amount = excluded.monthly_amount, start_date ="
                 " excluded.start_date", (number, budget["monthly_amount"], budget["start"]))  # fmt: skip
    conn.execute("DELETE FROM budget_periods WHERE account_number = ?", (number,))
    conn.executemany("INSERT INTO budget_periods VALUES (?, ?, ?, ?, ?)", [(number, *p) for p in periods])
    return True


OnFinal = Callable[[Db, str], None]  # an active account the snapshot says is final (D9)


def _status(conn: Db, number: str, stored: str, record: dict[str, Any], on_final: OnFinal) -> bool:
    """A new status: an account that finals goes through ``on_final`` (its RES is told); others are set."""
    if record["status"] == stored:
        return False
    if record["status"] == "final" and stored == "active":
        on_final(conn, number)
    else:
        conn.execute("UPDATE accounts SET status = ? WHERE number = ?", (record["status"], number))
    return True


def _set_final(conn: Db, number: str) -> None:
    """Final with nobody told (a caller that sends no notices)."""
    conn.execute("UPDATE accounts SET status = 'final' WHERE number = ?", (number,))


def _refresh(changed: Counter[str], on_final: OnFinal) -> snapshot.Loader:
    def refresh(conn: Db, record: dict[str, Any]) -> None:
        number = record["number"]
        row = conn.execute("SELECT balance, due_date, status, usage_released FROM accounts WHERE number = ?",
                           (number,)).fetchone()  # fmt: skip
        if row is None:
            snapshot.insert_account(conn, record)
            changed["new accounts"] += 1
            return
        facts = {"balance": (row[0], row[1]) != (record.get("balance", "0.00"), record.get("due_date"))}
        facts["status"] = _status(conn, number, row[2], record, on_final)
        if facts["balance"]:
            conn.execute("UPDATE accounts SET balance = ?, due_date = ? WHERE number = ?",
                         (record.get("balance", "0.00"), record.get("due_date"), number))  # fmt: skip
        released = 1 if record.get("usage_released") else 0
        facts["usage release"] = int(row[3]) != released  # D12
        if facts["usage release"]:
            conn.execute("UPDATE accounts SET usage_released = ? WHERE number = ?", (released, number))
        facts.update({kind: _replace_list(conn, number, record, kind) for kind in _LISTS})
        facts["budget plan"] = _budget(conn, number, record.get("budget"))
        changed.update(kind for kind, differs in facts.items() if differs)
        changed["accounts changed" if any(facts.values()) else "accounts unchanged"] += 1

    return refresh


def refresh_accounts(conn: Db, path: Path, on_final: OnFinal | None = None) -> Counter[str]:
    """Refresh from a new snapshot, all or nothing; returns what changed, by kind of fact."""
    changed: Counter[str] = Counter()
    snapshot.load_lines(conn, path, "account", _refresh(changed, on_final or _set_final))
    return changed
