"""Cancels (BGN01 01): a RES withdraws its own pending enrollment or drop before its effective date (D10)."""

from __future__ import annotations

from rules.decisions import CancelRequest, Decision, Reason
from rules.enrollment import Context, account_found, addressed_elsewhere, supplier_known
from rules.model import EnrollmentRequest, OriginalRequest

KINDS = {"021": "enrollment", "024": "drop"}  # ASI02 of the cancel: which kind of request it withdraws


def _why_not(request: EnrollmentRequest, action: str, ctx: Context, original: OriginalRequest | None) -> str | None:
    """D10: the reason a cancel cannot be honoured, or None."""
    if original is None or not original.accepted:
        return "NO ACCEPTED REQUEST OF THIS SUPPLIER TO CANCEL"
    if KINDS.get(action) != original.kind:
        return f"THE REQUEST NAMED IS NOT AN {KINDS.get(action, 'ENROLLMENT OR DROP').upper()}"
    if not original.still_scheduled:
        return "THE REQUEST WAS ALREADY CANCELLED"
    if original.effective is None or original.effective <= ctx.as_of:
        return "THE REQUEST HAS ALREADY TAKEN EFFECT"
    if not original.only_supply:
        return "CANCEL NOT POSSIBLE: THE ACCOUNT WAS ALREADY CHANGED"  # D4 side effects, a D9 notice sent
    return None


def decide_cancel(request: EnrollmentRequest, action: str, ctx: Context, original: OriginalRequest | None) -> Decision:
    """Withdraw the pending request BGN06 names, or reject A13 with why not."""
    elsewhere = addressed_elsewhere(request, ctx.our_duns)
    reasons = [r for r in (elsewhere, account_found(request, ctx), supplier_known(request, ctx)) if r is not None]
    if reasons:
        return Decision.reject(tuple(reasons))
    why = _why_not(request, action, ctx, original)
    if why is not None or original is None:
        return Decision.reject((Reason("A13", why or ""),))
    return Decision.accept((CancelRequest(original.outcome_id, original.kind),), ("D10",))
