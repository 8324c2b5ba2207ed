"""Change requests (ASI*7*001, REF*TD says what): applied for the RES serving the account (D11)."""

from __future__ import annotations

import dataclasses

from rules.decisions import Decision, Reason, UpdateAccount
from rules.drops import NOT_SERVED
from rules.enrollment import Context, account_found, addressed_elsewhere, decide_enrollment, supplier_known
from rules.model import EnrollmentRequest, SupplyState

OPTION_CHANGES = frozenset({"REFBLT", "REFPC"})  # a billing option change (D11)
KNOWN = frozenset({*OPTION_CHANGES, "REF11", "N18R", "REFNM"})


def decide_change(request: EnrollmentRequest, what: tuple[str, ...], ctx: Context, state: SupplyState,
                  new_name: str) -> Decision:  # fmt: skip
    """D11: a change that puts an account on SBO is an SBO request (R1-R7 as for an enrollment); other items apply."""
    first = [addressed_elsewhere(request, ctx.our_duns), account_found(request, ctx), supplier_known(request, ctx)]
    reasons = [r for r in first if r is not None]
    if not reasons and state.serving != request.supplier_duns:
        reasons.append(NOT_SERVED)
    unknown = sorted(set(what) - KNOWN)
    if not what or unknown:
        reasons.append(Reason("A13", f"REF*TD {' '.join(unknown) or 'MISSING'}: NOT A CHANGE THIS UTILITY APPLIES"))
    if reasons:
        return Decision.reject(tuple(reasons))
    update = UpdateAccount(request.supplier_duns, request.supplier_account if "REF11" in what else "",
                           new_name if "N18R" in what else "")  # fmt: skip
    if not OPTION_CHANGES & set(what):
        return Decision.accept((update,), ("D11",))
    own = ctx.account and dataclasses.replace(  # its own pending enrollment is what the change changes, not NFI
        ctx.account, pending=tuple(p for p in ctx.account.pending if p.supplier_duns != request.supplier_duns)
    )
    option = decide_enrollment(request, dataclasses.replace(ctx, account=own))  # D11: R1-R7 as for an enrollment
    if not option.accepted:
        return option
    return Decision.accept((*option.changes, update), (*option.rules, "D11"))
