"""The enrollment rules as pure functions: every reject code, R1 to R7, and properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules.decisions import MoveDirectPay, RemoveBudgetBilling, RemoveSummaryBilling, SetSupplier, SplitGas
from rules.enrollment import Context, decide_enrollment
from rules.model import (
    Account,
    BudgetPlan,
    Commodity,
    EnrollmentRequest,
    PendingEnrollment,
    ReadCalendar,
    ServicePoint,
    Supplier,
)

AS_OF = date(2026, 11, 2)  # a Monday
CALENDAR = ReadCalendar(
    reads={7: (date(2026, 11, 20), date(2026, 12, 21), date(2027, 1, 21))},
    holidays=frozenset({date(2026, 11, 26)}),
)
ELECTRIC = ServicePoint("SP1", Commodity.ELECTRIC, "DS1")
GAS = ServicePoint("SP2", Commodity.GAS, "GDS1")
ACCOUNT = Account("0123456789", True, 7, (ELECTRIC,))
SUPPLIER = Supplier("222222222", "PRAIRIE POWER LLC")
SBO = EnrollmentRequest("222222222", "RES1", "0123456789", "ESP", "DUAL")


def decide(request: EnrollmentRequest = SBO, account: Account | None = ACCOUNT, **kw: object):
    ctx = Context(account, kw.pop("supplier", SUPPLIER), CALENDAR, AS_OF, **kw)  # type: ignore[arg-type]
    return decide_enrollment(request, ctx)


def codes(decision) -> list[str]:
    return [r.code for r in decision.reasons]


def test_plain_sbo_on_cycle_is_accepted_at_the_next_open_read() -> None:
    decision = decide()
    assert decision.accepted and decision.granted is not None
    assert decision.granted == SetSupplier("222222222", ("SP1",), "ESP", "DUAL", date(2026, 11, 20), False)


@pytest.mark.parametrize(
    ("request_", "account", "extra", "expected"),
    [
        (SBO, None, {}, ["A76"]),
        (SBO, replace(ACCOUNT, active=False), {}, ["008"]),
        (SBO, ACCOUNT, {"supplier": None}, ["UND"]),
        (replace(SBO, account_number=""), None, {}, ["API", "A76"]),
        (SBO, ACCOUNT, {"seen_request": True}, ["ABN"]),
        (replace(SBO, requested_date=date(2026, 12, 18)), ACCOUNT, {}, ["DIV"]),
        (replace(SBO, billing_type="ESP", bill_calculator="LDC"), ACCOUNT, {}, ["FRB"]),
        (SBO, replace(ACCOUNT, pending=(PendingEnrollment("333333333", date(2026, 11, 20)),)), {}, ["NFI"]),
        (SBO, replace(ACCOUNT, past_due=Decimal("0.01")), {}, ["A13"]),
    ],
    ids=["A76", "008", "UND", "API", "ABN", "DIV", "FRB", "NFI", "A13-arrears"],
)
def test_every_reject_code(request_, account, extra, expected) -> None:
    decision = decide(request_, account, **extra)
    assert not decision.accepted and codes(decision) == expected and not decision.changes


def test_r3_arrears_text_and_dual_is_still_accepted() -> None:
    in_arrears = replace(ACCOUNT, past_due=Decimal("42.17"))
    rejected = decide(SBO, in_arrears)
    assert [(r.code, r.text) for r in rejected.reasons] == [("A13", "ACCOUNT IN ARREARS - SBO NOT PERMITTED")]
    assert decide(replace(SBO, billing_type="DUAL"), in_arrears).accepted


def test_r1_r2_budget_billing_removed_with_exact_balance_due() -> None:
    plan = BudgetPlan(
        Decimal("100.00"), (Decimal("100.00"),) * 3, (Decimal("120.10"), Decimal("95.35"), Decimal("130.01"))
    )
    decision = decide(SBO, replace(ACCOUNT, budget=plan))
    assert decision.accepted and "R1+R2" in decision.rules
    removal = next(c for c in decision.changes if isinstance(c, RemoveBudgetBilling))
    assert removal == RemoveBudgetBilling(Decimal("45.46"), Decimal("300.00"), Decimal("345.46"))


def test_r4_summary_billing_removed() -> None:
    decision = decide(SBO, replace(ACCOUNT, summary_group="SUM-88"))
    assert RemoveSummaryBilling("SUM-88") in decision.changes and "R4" in decision.rules


def test_r5_r6_gas_split_and_direct_pay_moves() -> None:
    decision = decide(SBO, replace(ACCOUNT, service_points=(ELECTRIC, GAS), direct_pay=True))
    assert SplitGas(("SP2",)) in decision.changes and MoveDirectPay() in decision.changes
    assert decision.granted is not None and decision.granted.service_points == ("SP1",)
    assert decision.rules == ("R5", "R6")


def test_r5_without_direct_pay_moves_nothing_else() -> None:
    decision = decide(SBO, replace(ACCOUNT, service_points=(ELECTRIC, GAS)))
    assert not any(isinstance(c, MoveDirectPay) for c in decision.changes)


def test_r7_off_cycle_sbo_is_dual_first_then_sbo_from_next_read() -> None:
    decision = decide(replace(SBO, requested_date=date(2026, 12, 1)))
    granted = decision.granted
    assert granted == SetSupplier("222222222", ("SP1",), "DUAL", "DUAL", date(2026, 12, 1), True, date(2026, 12, 21))
    assert decision.rules == ("R7",)


def test_requested_date_inside_a_billing_window_is_on_cycle() -> None:
    # 2026-11-18 is 2 business days before the 11-20 read.
    decision = decide(replace(SBO, requested_date=date(2026, 11, 18)))
    assert decision.granted is not None and decision.granted.effective == date(2026, 11, 20)
    assert not decision.granted.off_cycle


def test_sbo_side_effects_do_not_apply_to_dual_requests() -> None:
    account = replace(
        ACCOUNT, service_points=(ELECTRIC, GAS), summary_group="S", direct_pay=True, budget=BudgetPlan(Decimal("50.00"))
    )
    decision = decide(replace(SBO, billing_type="DUAL"), account)
    assert decision.accepted and all(isinstance(c, SetSupplier) for c in decision.changes)


money = st.decimals(
    min_value=Decimal("-10000"), max_value=Decimal("10000"), places=2, allow_nan=False, allow_infinity=False
)
requests = st.builds(
    EnrollmentRequest,
    supplier_duns=st.sampled_from(["222222222", ""]),
    request_id=st.text(max_size=5),
    account_number=st.sampled_from(["0123456789", ""]),
    billing_type=st.sampled_from(["ESP", "DUAL", "LDC", "X", ""]),
    bill_calculator=st.sampled_from(["DUAL", "LDC", "", "ESP"]),
    requested_date=st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31)),
)
accounts = st.none() | st.builds(
    Account,
    number=st.just("0123456789"),
    active=st.booleans(),
    bill_group=st.integers(1, 21),
    service_points=st.lists(st.sampled_from([ELECTRIC, GAS]), max_size=3).map(tuple),
    past_due=money,
    budget=st.none()
    | st.builds(BudgetPlan, money, st.lists(money, max_size=12).map(tuple), st.lists(money, max_size=12).map(tuple)),
    summary_group=st.none() | st.just("S1"),
    direct_pay=st.booleans(),
    pending=st.lists(
        st.builds(PendingEnrollment, st.just("1"), st.dates(date(2026, 1, 1), date(2027, 12, 31))), max_size=2
    ).map(tuple),
)


@settings(max_examples=300, deadline=None)
@given(requests, accounts, st.booleans(), st.booleans())
def test_decision_for_any_input_never_raises(request, account, known_supplier, seen) -> None:
    decision = decide(request, account, supplier=SUPPLIER if known_supplier else None, seen_request=seen)
    assert decision.accepted == (not decision.reasons)
    if decision.accepted:
        assert decision.granted is not None
    removal = [c for c in decision.changes if isinstance(c, RemoveBudgetBilling)]
    for change in removal:
        assert change.balance_due == change.actual_charges - change.installments_paid
        assert isinstance(change.balance_due, Decimal)
