"""Deciding one 814 enrollment request: ordinary validations, then the SBO rules R1 to R7 (guide section 2)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rules.calendar import next_open_read, next_read_after, read_in_window
from rules.decisions import (
    Change,
    Decision,
    MoveDirectPay,
    Reason,
    RemoveBudgetBilling,
    RemoveSummaryBilling,
    SetSupplier,
    SplitGas,
)
from rules.model import Account, Commodity, EnrollmentRequest, ReadCalendar, Supplier

# Section 1: the BLT/PC pairs that name a billing option; any other pair is rejected FRB (D1).
VALID_OPTIONS = frozenset({("LDC", "LDC"), ("LDC", "DUAL"), ("DUAL", "DUAL"), ("ESP", "DUAL")})
MAX_DAYS_AHEAD = 45  # DIV


@dataclass(frozen=True)
class Policy:
    """Settings the guide leaves to the utility (D2)."""

    arrears_code: str = "A13"
    arrears_text: str = "ACCOUNT IN ARREARS - SBO NOT PERMITTED"


@dataclass(frozen=True)
class Context:
    """Everything a decision depends on besides the request: no I/O, no clock."""

    account: Account | None
    supplier: Supplier | None
    calendar: ReadCalendar
    as_of: date
    seen_request: bool = False  # this RES already sent this BGN02 (ABN, D7)
    policy: Policy = Policy()
    our_duns: str = ""  # the utility's DUNS: N1*8S must name it (guide section 10)


Check = Callable[[EnrollmentRequest, Context], Reason | None]


def account_found(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    return None if ctx.account is not None else Reason("A76", "ACCOUNT NOT FOUND")


def account_active(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    return None if ctx.account is None or ctx.account.active else Reason("008", "ACCOUNT NOT ACTIVE")


def supplier_known(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    return None if ctx.supplier is not None else Reason("UND", "SUPPLIER NOT REGISTERED")


def _required_information(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    missing = [
        name
        for name, value in (
            ("REF 12", request.account_number),
            ("REF BLT", request.billing_type),
            ("REF PC", request.bill_calculator),
            ("BGN02", request.request_id),
        )
        if not value
    ]
    return Reason("API", f"MISSING {' '.join(missing)}") if missing else None


def not_duplicate(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    return Reason("ABN", "DUPLICATE REQUEST") if ctx.seen_request else None


def date_in_range(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    if request.requested_date and request.requested_date > ctx.as_of + timedelta(days=MAX_DAYS_AHEAD):
        return Reason("DIV", f"REQUESTED DATE MORE THAN {MAX_DAYS_AHEAD} DAYS AHEAD")
    return None


def _billing_option(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    pair = (request.billing_type, request.bill_calculator)
    if not all(pair):
        return None  # a missing BLT or PC is API's, not FRB's
    if pair not in VALID_OPTIONS:
        return Reason("FRB", f"BLT {request.billing_type} WITH PC {request.bill_calculator} IS NOT A BILLING OPTION")
    if ctx.supplier is not None and request.billing_type not in ctx.supplier.billing_types:
        return Reason("FRB", f"SUPPLIER DOES NOT OFFER {request.billing_type}")
    return None


def _first_in(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    if ctx.account is None:
        return None
    wanted = request.requested_date or next_open_read(ctx.account.bill_group, ctx.as_of, ctx.calendar)
    for pending in ctx.account.pending:
        if wanted is None or pending.effective_date <= wanted:
            return Reason("NFI", "ANOTHER ENROLLMENT IS PENDING")
    return None


def _sbo_not_in_arrears(request: EnrollmentRequest, ctx: Context) -> Reason | None:
    # R3 with D2: only SBO requests; in arrears = any past-due amount above 0.00 on the processing date.
    if request.is_sbo and ctx.account is not None and ctx.account.past_due > Decimal("0.00"):
        return Reason(ctx.policy.arrears_code, ctx.policy.arrears_text)
    return None


# Explicit and ordered: every reason that applies is reported (a reject may carry several REF*7G).
CHECKS: tuple[Check, ...] = (
    _required_information,
    account_found,
    account_active,
    supplier_known,
    not_duplicate,
    date_in_range,
    _billing_option,
    _first_in,
    _sbo_not_in_arrears,
)


def effective_timing(request: EnrollmentRequest, account: Account, ctx: Context) -> tuple[date, bool] | Reason:
    """Effective date and whether it is off-cycle (guide section 2, timing facts)."""
    if request.requested_date is None:
        read = next_open_read(account.bill_group, ctx.as_of, ctx.calendar)
        if read is None:
            return Reason("A13", f"NO SCHEDULED READ FOR BILL GROUP {account.bill_group}")
        return read, False
    if request.requested_date < ctx.as_of:
        return Reason("A13", "REQUESTED DATE IS IN THE PAST")
    read = read_in_window(account.bill_group, request.requested_date, ctx.calendar)
    if read is not None:
        return read, False
    return request.requested_date, True


def _sbo_changes(account: Account) -> tuple[list[Change], list[str]]:
    """R1, R2, R4, R5, R6: side effects of an accepted SBO enrollment, taken at acceptance (D4)."""
    changes: list[Change] = []
    rules: list[str] = []
    if account.budget is not None:
        plan = account.budget
        paid, actual = sum(plan.installments_paid, Decimal("0")), sum(plan.actual_charges, Decimal("0"))
        budget = RemoveBudgetBilling(plan.balance_due, paid, actual)
        changes.append(budget)
        rules.append(budget.rule)
    if account.summary_group:
        changes.append(RemoveSummaryBilling(account.summary_group))
        rules.append("R4")
    gas = tuple(sp.id for sp in account.service_points if sp.commodity == Commodity.GAS)
    electric = account.electric_points
    if gas and electric:
        changes.append(SplitGas(gas))
        rules.append("R5")
        if account.direct_pay:
            changes.append(MoveDirectPay())
            rules.append("R6")
    return changes, rules


def addressed_elsewhere(request: EnrollmentRequest, our_duns: str) -> Reason | None:
    """Guide section 10: N1*8S N104 must be our DUNS; a request naming another utility is rejected, never decided."""
    if not our_duns or request.utility_duns == our_duns:
        return None
    named = " ".join(request.utility_name.split()) or "ANOTHER UTILITY"
    return Reason("A13", f"ADDRESSED TO {named} ({request.utility_duns or 'NO DUNS'}), NOT THIS UTILITY"[:80])


def decide_enrollment(request: EnrollmentRequest, ctx: Context) -> Decision:
    """Accept or reject one enrollment request against the account's state on ``ctx.as_of``."""
    elsewhere = addressed_elsewhere(request, ctx.our_duns)
    if elsewhere is not None:
        return Decision.reject((elsewhere,))  # not ours to decide: no other check applies
    reasons = tuple(r for check in CHECKS if (r := check(request, ctx)) is not None)
    if reasons:
        return Decision.reject(reasons, ("R3",) if any(r.text == ctx.policy.arrears_text for r in reasons) else ())
    account = ctx.account
    assert account is not None  # account_found passed
    timing = effective_timing(request, account, ctx)
    if isinstance(timing, Reason):
        return Decision.reject((timing,))
    effective, off_cycle = timing
    electric = tuple(sp.id for sp in account.electric_points)
    changes: list[Change] = []
    rules: list[str] = []
    if request.is_sbo:
        changes, rules = _sbo_changes(account)
    if request.is_sbo and off_cycle:
        # R7 with D3: DUAL for the first bill period holding the effective date, SBO from the next read.
        switch = next_read_after(account.bill_group, effective, ctx.calendar)
        if switch is None:
            return Decision.reject((Reason("A13", f"NO SCHEDULED READ FOR BILL GROUP {account.bill_group}"),))
        changes.append(SetSupplier(request.supplier_duns, electric, "DUAL", "DUAL", effective, True, switch))
        rules.append("R7")
    else:
        changes.append(
            SetSupplier(
                request.supplier_duns, electric, request.billing_type, request.bill_calculator, effective, off_cycle
            )
        )
    return Decision.accept(tuple(changes), tuple(rules))
