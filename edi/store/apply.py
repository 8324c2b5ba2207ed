"""Applying a decision: the account changes, the direct-bill charge and the outcome, in the caller's transaction."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from edi.store.connection import Db, StoreError, next_value
from edi.store.handle import queue_row
from edi.store.ledger import OutcomeKey, as_json, record_outcome
from edi.times import stamp
from rules.decisions import (
    CancelRequest,
    Decision,
    DropNotice,
    EndSupply,
    MoveDirectPay,
    RemoveBudgetBilling,
    RemoveSummaryBilling,
    SetSupplier,
    SplitGas,
    UpdateAccount,
)
from rules.model import EnrollmentRequest, split_account_number
from rules.outcomes import Outcome, decided


def add_timeline(
    conn: Db, account: str, at: datetime, outcome_id: int | None, rule: str, event: str, **detail: Any
) -> None:
    """One line of the account's timeline: what changed, which rule, from which outcome."""
    queue_row(
        conn,
        "INSERT INTO timeline (account_number, at, outcome_id, rule, event, detail) VALUES (?,?,?,?,?,?)",
        (
            account,
            stamp(at),
            outcome_id,
            rule,
            event,
            as_json(detail, sort_keys=True),
        ),
    )


def draw_account_number(conn: Db) -> str:
    """D5: the next number of the store's sequence that no account has ever had."""
    while True:
        number = split_account_number(next_value(conn, "gas_account"))
        if number is None:
            raise StoreError("the gas account sequence is exhausted")
        if conn.execute("SELECT 1 FROM accounts WHERE number = ?", (number,)).fetchone() is None:
            return number


@dataclass
class Applied:
    """What applying a decision produced: the outcome row and any new account."""

    outcome_id: int
    new_accounts: list[str]


@dataclass(frozen=True)
class AccountFacts:
    """What the handler already read of the account: whether it exists and its bill group (no second look-up)."""

    exists: bool
    bill_group: int | None
    request_kind: str = "enrollment"  # what the timeline calls a rejected request


def apply_decision(conn: Db, key: OutcomeKey, at: datetime, request: EnrollmentRequest, decision: Decision,
                   reference: str, facts: AccountFacts) -> Applied:  # fmt: skip
    """Write the outcome and, for an accept, every account change of the decision (D4: taken at acceptance)."""
    outcome: Outcome = decided(decision)
    outcome_id = record_outcome(
        conn, key, at, outcome, subject=request.subject, changes=decision.changes, reference=reference
    )
    number = request.account_number
    if not decision.accepted:
        if facts.exists:
            add_timeline(
                conn,
                number,
                at,
                outcome_id,
                " ".join(decision.rules) or "-",
                f"{facts.request_kind} rejected",
                supplier=request.supplier_duns,
                reasons=[[r.code, r.text] for r in decision.reasons],
            )
        return Applied(outcome_id, [])
    new_accounts: list[str] = []
    gas_account: str | None = None
    for change in decision.changes:
        if isinstance(change, RemoveBudgetBilling):
            _remove_budget(conn, number, at, outcome_id, change)
        elif isinstance(change, RemoveSummaryBilling):
            conn.execute("UPDATE accounts SET summary_group = NULL WHERE number = ?", (number,))
            add_timeline(
                conn, number, at, outcome_id, "R4", "removed from summary billing", summary_group=change.summary_group
            )
        elif isinstance(change, SplitGas):
            gas_account = _split_gas(conn, number, at, outcome_id, change)
            new_accounts.append(gas_account)
        elif isinstance(change, MoveDirectPay):
            if gas_account is None:
                raise StoreError("Direct Pay can only move to a gas account split in the same decision (R6)")
            _move_direct_pay(conn, number, gas_account, at, outcome_id)
        elif isinstance(change, UpdateAccount):
            _update_account(conn, number, at, outcome_id, change)
        elif isinstance(change, CancelRequest):
            _cancel(conn, number, at, outcome_id, change)
        elif isinstance(change, DropNotice):
            event = f"switch: the previous supplier's supply ends {change.effective}; an 814 drop notice goes to it"
            add_timeline(conn, number, at, outcome_id, "D9", event, supplier=change.supplier_duns)
        elif isinstance(change, EndSupply):
            _end_supply(conn, number, at, outcome_id, change)
        elif isinstance(change, SetSupplier):
            _set_supplier(conn, (number, facts.bill_group), at, outcome_id, request, change, decision.rules)
    return Applied(outcome_id, new_accounts)


def _budget_arithmetic(conn: Db, number: str, change: RemoveBudgetBilling) -> dict[str, Any]:
    """Guide section 6 from the stored periods, checked against what the decision was made on."""
    query = ("SELECT period_end, installment_billed, installment_paid, actual_charge FROM budget_periods"
             " WHERE account_number = ? ORDER BY period_end")  # fmt: skip
    periods = [dict(p) for p in conn.execute(query, (number,))]
    paid = sum((Decimal(p["installment_paid"]) for p in periods), Decimal("0.00"))
    actual = sum((Decimal(p["actual_charge"]) for p in periods), Decimal("0.00"))
    if (paid, actual, actual - paid) != (change.installments_paid, change.actual_charges, change.balance_due):
        raise StoreError(f"budget plan changed under the decision (store {actual} - {paid}, decision"
                         f" {change.actual_charges} - {change.installments_paid})")  # fmt: skip
    plan = conn.execute("SELECT start_date, monthly_amount FROM budget_plans WHERE account_number = ?", (number,))
    start, monthly = plan.fetchone()
    return {"rule": "guide section 6: sum(actual charges) - sum(budget installments paid)", "plan_start": start,
            "monthly_amount": monthly, "periods": periods, "actual_charges": str(actual),
            "installments_paid": str(paid), "balance_due": str(change.balance_due)}  # fmt: skip


def _remove_budget(conn: Db, number: str, at: datetime, outcome_id: int, change: RemoveBudgetBilling) -> None:
    """R1/R2: the plan ends; the balance due (or credit) becomes a charge on the utility's own direct bill."""
    arithmetic = _budget_arithmetic(conn, number, change)
    day = at.date().isoformat()
    conn.execute("UPDATE budget_plans SET ended_on = ?, outcome_id = ? WHERE account_number = ?",
                 (day, outcome_id, number))  # fmt: skip
    if change.balance_due != 0:
        row = (number, change.charge_kind, str(change.balance_due), json.dumps(arithmetic, sort_keys=True), day,
               outcome_id)  # fmt: skip
        conn.execute("INSERT INTO direct_bill_charges (account_number, kind, amount, detail, created_on, outcome_id)"
                     " VALUES (?,?,?,?,?,?)", row)  # fmt: skip
    add_timeline(conn, number, at, outcome_id, change.rule, "removed from budget billing",
                 balance_due=change.balance_due, actual_charges=arithmetic["actual_charges"],
                 installments_paid=arithmetic["installments_paid"], periods=len(arithmetic["periods"]),
                 billed_to="utility direct bill to the customer (never an 810)")  # fmt: skip


def _split_gas(conn: Db, number: str, at: datetime, outcome_id: int, change: SplitGas) -> str:
    """R5 with D5: the gas service points move to a new account; the customer and bill group come along."""
    new = draw_account_number(conn)
    conn.execute(
        "INSERT INTO accounts (number, status, customer_name, street, city, state, zip, bill_group, balance,"
        " due_date, summary_group, direct_pay, direct_pay_bank, split_from, created_on, usage_released)"
        " SELECT ?, status, customer_name, street, city, state, zip, bill_group, '0.00', NULL, NULL, 0, '', number, ?,"
        " usage_released"
        " FROM accounts WHERE number = ?",
        (new, at.date().isoformat(), number),
    )
    for sp in change.service_points:
        conn.execute(
            "UPDATE service_points SET account_number = ? WHERE id = ? AND account_number = ?", (new, sp, number)
        )
    add_timeline(
        conn,
        number,
        at,
        outcome_id,
        "R5",
        "gas service points split to a new account",
        new_account=new,
        service_points=list(change.service_points),
    )
    add_timeline(
        conn,
        new,
        at,
        outcome_id,
        "R5",
        "account created for gas split from an SBO enrollment",
        split_from=number,
        service_points=list(change.service_points),
    )
    return new


def _move_direct_pay(conn: Db, number: str, gas: str, at: datetime, outcome_id: int) -> None:
    """R6: Direct Pay leaves the SBO account and goes with the gas account."""
    bank = conn.execute("SELECT direct_pay_bank FROM accounts WHERE number = ?", (number,)).fetchone()[0]
    conn.execute("UPDATE accounts SET direct_pay = 1, direct_pay_bank = ? WHERE number = ?", (bank, gas))
    conn.execute("UPDATE accounts SET direct_pay = 0, direct_pay_bank = '' WHERE number = ?", (number,))
    add_timeline(conn, number, at, outcome_id, "R6", "Direct Pay removed (moved to the gas account)", to_account=gas)
    add_timeline(conn, gas, at, outcome_id, "R6", "Direct Pay moved here from the SBO account", from_account=number)


_SUPPLY = ("INSERT INTO supply (sp_id, supplier_duns, billing_type, bill_calculator, effective, off_cycle, kind,"
           " outcome_id, supplier_account) VALUES (?,?,?,?,?,?,?,?,?)")  # fmt: skip


def _set_supplier(conn: Db, where: tuple[str, int | None], at: datetime, outcome_id: int, request: EnrollmentRequest,
                  change: SetSupplier, rules: tuple[str, ...]) -> None:  # fmt: skip
    """Supplier and billing option per service point from the effective date; D3's later switch to SBO."""
    number, group = where
    duns, account = change.supplier_duns, request.supplier_account
    for sp in change.service_points:
        row = (sp, duns, change.billing_type, change.bill_calculator, change.effective.isoformat(),
               int(change.off_cycle), "enrollment", outcome_id, account)  # fmt: skip
        queue_row(conn, _SUPPLY, row)
        if change.sbo_from is not None:  # D3: the later switch to SBO (off_cycle 0: it starts at a meter read)
            switch = (sp, duns, "ESP", "DUAL", change.sbo_from.isoformat(), 0, "sbo_switch", outcome_id, account)
            queue_row(conn, _SUPPLY, switch)
    when = f"{change.effective} 23:59:59 (off-cycle)" if change.off_cycle else f"{change.effective} (meter read)"
    add_timeline(conn, number, at, outcome_id, "R7+D3" if change.sbo_from else "enrollment",
                 f"supplier enrollment accepted: {change.billing_type}/{change.bill_calculator} from {when}",
                 supplier=duns, service_points=list(change.service_points), sbo_from=change.sbo_from,
                 requested_sbo=request.billing_type == "ESP", rules=list(rules))  # fmt: skip
    if change.sbo_from is not None:
        notice = (number, group, duns, account, request.request_id, change.sbo_from.isoformat(), outcome_id)
        queue_row(conn, "INSERT INTO switch_notices (account_number, bill_group, supplier_duns, supplier_account,"
                  " request_id, switch_date, outcome_id) VALUES (?,?,?,?,?,?,?)", notice)  # fmt: skip


def _end_supply(conn: Db, number: str, at: datetime, outcome_id: int, change: EndSupply) -> None:
    """D8: utility supply, billed by the utility (LDC), from the drop's effective date; SBO ends with it."""
    rows = [(sp, change.effective.isoformat(), int(change.off_cycle), outcome_id) for sp in change.service_points]
    conn.executemany("INSERT INTO supply (sp_id, supplier_duns, billing_type, bill_calculator, effective, off_cycle,"
                     " kind, outcome_id) VALUES (?, NULL, 'LDC', 'LDC', ?, ?, 'drop', ?)", rows)  # fmt: skip
    when = f"{change.effective} 23:59:59 (off-cycle)" if change.off_cycle else f"{change.effective} (meter read)"
    add_timeline(conn, number, at, outcome_id, "D8", f"supplier drop accepted: utility supply from {when}",
                 supplier=change.supplier_duns, service_points=list(change.service_points))  # fmt: skip


def final_account(conn: Db, number: str, day: date, at: datetime, served_by: str | None) -> tuple[str, ...]:
    """An account finals (move-out): status final, and a RES's supply ends on ``day``; its electric points."""
    conn.execute("UPDATE accounts SET status = 'final' WHERE number = ?", (number,))
    query = "SELECT id FROM service_points WHERE account_number = ? AND commodity = 'EL' ORDER BY id"
    points = tuple(r[0] for r in conn.execute(query, (number,)))
    if served_by is not None:
        rows = [(sp, day.isoformat()) for sp in points]
        conn.executemany("INSERT INTO supply (sp_id, supplier_duns, billing_type, bill_calculator, effective, kind)"
                         " VALUES (?, NULL, 'LDC', 'LDC', ?, 'drop')", rows)  # fmt: skip
    event = f"account finaled {day}" + (
        ": the supplier's supply ends; an 814 drop notice goes to it" if served_by else ""
    )
    add_timeline(conn, number, at, None, "D9", event, supplier=served_by or "")
    return points


def _cancel(conn: Db, number: str, at: datetime, outcome_id: int, change: CancelRequest) -> None:
    """D10: the earlier request's supply rows (and a D3 change still owed for it) are withdrawn."""
    conn.execute("DELETE FROM supply WHERE outcome_id = ?", (change.outcome_id,))
    conn.execute("DELETE FROM switch_notices WHERE outcome_id = ? AND sent_on IS NULL", (change.outcome_id,))
    add_timeline(conn, number, at, outcome_id, "D10", f"{change.kind} cancelled by the RES before it took effect",
                 cancelled_outcome=change.outcome_id)  # fmt: skip


def _update_account(conn: Db, number: str, at: datetime, outcome_id: int, change: UpdateAccount) -> None:
    """D11: the RES's account number on its supply rows of this account, and the customer's name."""
    if change.supplier_account:
        conn.execute("UPDATE supply SET supplier_account = ? WHERE supplier_duns = ? AND sp_id IN"
                     " (SELECT id FROM service_points WHERE account_number = ?)",
                     (change.supplier_account, change.supplier_duns, number))  # fmt: skip
    if change.customer_name:
        conn.execute("UPDATE accounts SET customer_name = ? WHERE number = ?", (change.customer_name, number))
    changed = [what for what, value in (("RES account number", change.supplier_account),
                                        ("customer name", change.customer_name)) if value]  # fmt: skip
    if changed:
        add_timeline(conn, number, at, outcome_id, "D11", f"changed by the RES: {', '.join(changed)}",
                     supplier=change.supplier_duns)  # fmt: skip
