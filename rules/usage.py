"""Historical usage requests (814 ``LIN05 HU``/``HI``, guide section 10): answered by an 867 or a status (D12)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rules.decisions import Decision, Reason
from rules.enrollment import Context, account_found, addressed_elsewhere, supplier_known
from rules.invoicing import SupplyRow
from rules.model import EnrollmentRequest

INTERVAL = "HI"  # LIN05: interval history, which this utility does not send
NOT_RELEASED = Reason("HUR", "HISTORICAL USAGE NOT RELEASED BY THE CUSTOMER")
UNAVAILABLE = Reason("HUU", "HISTORICAL USAGE NOT AVAILABLE")
INTERVAL_UNAVAILABLE = Reason("HIU", "INTERVAL HISTORY NOT AVAILABLE")
STATUSES = frozenset({NOT_RELEASED.code, UNAVAILABLE.code, INTERVAL_UNAVAILABLE.code})  # REF*1P, not REF*7G


def decide_usage_history(request: EnrollmentRequest, service: str, ctx: Context, has_usage: bool) -> Decision:
    """D12: an 867 of the points' bill periods (accepted), or why none is sent (HIU, HUR, HUU, or a reject)."""
    elsewhere = addressed_elsewhere(request, ctx.our_duns)
    reasons = [r for r in (elsewhere, account_found(request, ctx), supplier_known(request, ctx)) if r is not None]
    if reasons:
        return Decision.reject(tuple(reasons))
    if service == INTERVAL:
        return Decision.reject((INTERVAL_UNAVAILABLE,))
    if ctx.account is not None and not ctx.account.usage_released:
        return Decision.reject((NOT_RELEASED,))
    if not has_usage:
        return Decision.reject((UNAVAILABLE,))
    return Decision.accept((), ("D12",))


def monthly_recipient(rows: Sequence[SupplyRow], start: date, end: date) -> tuple[SupplyRow, bool] | None:
    """D15: the RES a point's 867 of the period goes to, and whether this read ended its supply (``BPT07 F``).

    The RES is the last one that supplied the point at some time between the opening and the closing read; its
    supply ended with this read when a row of another supplier (or of the utility: a drop, a final) takes effect
    after its own and no later than the closing read. None: no RES supplied the point in the period.
    """
    ordered = sorted(rows, key=lambda r: r.effective)
    opening = [r for r in ordered if r.effective <= start][-1:]
    window = [*opening, *(r for r in ordered if start < r.effective < end)]
    served = [r for r in window if r.supplier_duns]
    if not served:
        return None
    last = served[-1]
    ended = any(last.effective < r.effective <= end and r.supplier_duns != last.supplier_duns for r in ordered)
    return last, ended
