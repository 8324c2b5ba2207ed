"""Drop requests (ASI*7*024): a RES ends its service of an account (guide section 10, D8)."""

from __future__ import annotations

import dataclasses

from rules.decisions import Decision, DropNotice, EndSupply, Reason
from rules.enrollment import (
    Context,
    account_active,
    account_found,
    addressed_elsewhere,
    date_in_range,
    effective_timing,
    not_duplicate,
    supplier_known,
)
from rules.model import EnrollmentRequest, SupplyState

NOT_SERVED = Reason("A13", "NOT SERVED BY THIS SUPPLIER")  # D8
DROP_PENDING = Reason("A13", "A DROP IS ALREADY PENDING")  # D8


def _required(request: EnrollmentRequest) -> Reason | None:
    missing = [name for name, value in (("REF 12", request.account_number), ("BGN02", request.request_id)) if not value]
    return Reason("API", f"MISSING {' '.join(missing)}") if missing else None


def _served_by_sender(request: EnrollmentRequest, state: SupplyState) -> Reason | None:
    """D8: only the RES serving the account (or about to) may drop it, and only once."""
    if state.drop_pending is not None:
        return DROP_PENDING
    return None if state.serving == request.supplier_duns else NOT_SERVED


def decide_drop(request: EnrollmentRequest, ctx: Context, state: SupplyState) -> Decision:
    """Accept or reject one drop: the same checks and dates as an enrollment, and the account must be this RES's."""
    elsewhere = addressed_elsewhere(request, ctx.our_duns)
    if elsewhere is not None:
        return Decision.reject((elsewhere,))
    checks = (_required(request), account_found(request, ctx), account_active(request, ctx),
              supplier_known(request, ctx), not_duplicate(request, ctx), date_in_range(request, ctx))  # fmt: skip
    reasons = tuple(r for r in checks if r is not None)
    if not reasons and ctx.account is not None:
        reasons = tuple(r for r in (_served_by_sender(request, state),) if r is not None)
    if reasons:
        return Decision.reject(reasons)
    account = ctx.account
    assert account is not None  # account_found passed
    timing = effective_timing(request, account, ctx)
    if isinstance(timing, Reason):
        return Decision.reject((timing,))
    effective, off_cycle = timing
    electric = tuple(sp.id for sp in account.electric_points)
    return Decision.accept((EndSupply(request.supplier_duns, electric, effective, off_cycle),), ("D8",))


def with_switch_notice(decision: Decision, state: SupplyState, new_supplier: str) -> Decision:
    """D9: an accepted enrollment of an account another RES serves owes that RES one drop notice, same date."""
    granted = decision.granted
    if not decision.accepted or granted is None or state.serving in (None, new_supplier):
        return decision
    assert state.serving is not None
    notice = DropNotice(state.serving, state.supplier_account, granted.effective)
    return dataclasses.replace(decision, changes=(*decision.changes, notice), rules=(*decision.rules, "D9"))
