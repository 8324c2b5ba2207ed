"""The handlers of the 814 and 997 rows of the inbound table (edi/flows/inbound/table.py).

Each decides with ``rules/``, applies through the store and returns the documents it owes.
"""

from __future__ import annotations

from collections.abc import Callable

from edi.flows.inbound.kinds import Handled, HandlerContext, Staged
from edi.store import accounts, outbox, remittances, usage
from edi.store import advice as advice_store
from edi.store.accounts import AccountCache
from edi.store.apply import AccountFacts, apply_decision
from edi.store.connection import next_value
from edi.store.ledger import OutcomeKey, original_request, record_outcome
from edi.transactions import tx867
from edi.transactions.documents import DROP_814, RESPONSE_814, USAGE_HISTORY_867, NotExpected, Owed
from edi.transactions.tx814 import Granted, Request814, drop_notice_body
from edi.transactions.tx814_response import response_text
from edi.transactions.tx820 import Remittance
from edi.transactions.tx824 import Advice
from edi.transactions.tx867 import PointUsage, UsageParties
from edi.transactions.tx997 import AckReceived
from edi.x12.writer import set_text
from rules.advice import decide_item
from rules.cancels import decide_cancel
from rules.changes import decide_change
from rules.decisions import Decision, DropNotice, Reason
from rules.drops import decide_drop, with_switch_notice
from rules.enrollment import Context, decide_enrollment
from rules.interchange import not_processed_request
from rules.model import Account, ServicePoint, Subject, Supplier, SupplyState, UsagePeriod
from rules.outcomes import Outcome, OutcomeKind, decided
from rules.remittance import decide_remittance
from rules.usage import decide_usage_history


def _request(item: Staged) -> Request814:
    if not isinstance(item.parsed, Request814):
        raise TypeError(f"set {item.st02} of kind {item.kind} is not an 814 request")  # its row guarantees one
    return item.parsed


def _granted(account: Account | None) -> Granted | None:
    """The bill group and electric rate classes an accept states, from the account the decision was made on."""
    if account is None:
        return None
    rates = tuple(sp.rate_class for sp in account.electric_points)
    return Granted(account.bill_group, rates)


def _answer(ctx: HandlerContext, request: Request814, key: OutcomeKey, decision: Decision,
            account: Account | None = None, what: str = "enrollment") -> Handled:  # fmt: skip
    """Record the decision with its account changes and build the 814 response (one reference each)."""
    reference = f"AIC{next_value(ctx.conn, 'reference'):012d}"
    facts = AccountFacts(account is not None, account.bill_group if account else None, what)
    applied = apply_decision(ctx.conn, key, ctx.now, request.to_rules(), decision, reference, facts)
    granted = _granted(account) if decision.accepted else None
    body = response_text(
        request, decision, utility=ctx.utility, reference=reference, today=ctx.now.date(), granted=granted
    )
    answer = Owed(RESPONSE_814, body)
    return Handled(decided(decision), request.subject, [answer], decision.changes, applied.new_accounts)


def _cache(ctx: HandlerContext) -> AccountCache:
    """The block read ahead by the caller, or an empty one that reads each look-up from the store."""
    return ctx.accounts or AccountCache(ctx.conn, ctx.as_of)


def _context(ctx: HandlerContext, request: Request814, account: Account | None) -> Context:
    """What the rules decide a request against, besides the request."""
    return Context(
        account=account,
        supplier=_supplier(ctx, request.supplier_duns),
        calendar=ctx.calendar,
        as_of=ctx.as_of,
        seen_request=_cache(ctx).seen(request.supplier_duns, request.request_id),
        policy=ctx.policy,
        our_duns=ctx.utility.duns,
    )


Decide = Callable[[HandlerContext, Request814, Context], Decision]


def _about_account(ctx: HandlerContext, item: Staged, key: OutcomeKey, what: str, decide: Decide) -> Handled:
    """A request about one account: read it (from the block read ahead), decide, answer, forget what changed."""
    request = _request(item)
    cache = _cache(ctx)
    account = cache.get(request.account_number)
    handled = _answer(ctx, request, key, decide(ctx, request, _context(ctx, request, account)), account, what)
    for changed in (request.account_number, *handled.new_accounts):
        cache.forget(changed)  # the next request about it reads what this decision wrote
    return handled


def _state(ctx: HandlerContext, request: Request814) -> SupplyState:
    return _cache(ctx).supply(request.account_number)


def _decide_enrollment(ctx: HandlerContext, request: Request814, context: Context) -> Decision:
    decision = decide_enrollment(request.to_rules(), context)
    if decision.accepted:  # D9: is another RES losing the account?
        decision = with_switch_notice(decision, _state(ctx, request), request.supplier_duns)
    return decision


def handle_enrollment(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """An 814 enrollment request: the rules against the store's state (earlier sets of the file count)."""
    handled = _about_account(ctx, item, key, "enrollment", _decide_enrollment)
    account = handled.subject.account if handled.subject else ""
    notices = [_drop_notice(ctx, c, account) for c in handled.changes if isinstance(c, DropNotice)]
    handled.documents[:0] = notices  # owed before the answer, as they are decided
    return handled


def _drop_notice(ctx: HandlerContext, notice: DropNotice, account: str) -> Owed:
    """D9: the 814 drop notice the previous RES is owed (its own reference), addressed to that RES."""
    reference = f"AIC{next_value(ctx.conn, 'reference'):012d}"
    supplier = _supplier(ctx, notice.supplier_duns)
    body = drop_notice_body(notice, account, utility=ctx.utility, supplier_name=supplier.name if supplier else "",
                            reference=reference, today=ctx.now.date())  # fmt: skip
    return Owed(DROP_814, set_text(body), to=notice.supplier_duns)


def _supplier(ctx: HandlerContext, duns: str) -> Supplier | None:
    """A registered RES, read once per interchange (registrations do not change while one is decided)."""
    if duns in ctx.suppliers:
        return ctx.suppliers[duns]
    found = accounts.load_supplier(ctx.conn, duns)
    if len(ctx.suppliers) < 1000:  # H1: DUNS come from the file
        ctx.suppliers[duns] = found
    return found


def handle_other_request(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """An 814 request this utility does not process yet: rejected A13 with ASI02 echoed."""
    return _answer(ctx, _request(item), key, not_processed_request())


def handle_drop(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """An 814 drop request (D8): the RES serving the account ends its service at the next read or its date."""
    return _about_account(ctx, item, key, "drop", lambda c, r, rc: decide_drop(r.to_rules(), rc, _state(c, r)))


def _decide_cancel(ctx: HandlerContext, request: Request814, context: Context) -> Decision:
    original = original_request(ctx.conn, request.supplier_duns, request.original_id) if request.original_id else None
    return decide_cancel(request.to_rules(), request.action[1], context, original)


def handle_cancel(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """D10: a RES withdraws its own pending enrollment or drop (BGN06 names it) before it takes effect."""
    return _about_account(ctx, item, key, "cancel", _decide_cancel)


def _decide_change(ctx: HandlerContext, request: Request814, context: Context) -> Decision:
    return decide_change(request.to_rules(), request.change_items, context, _state(ctx, request), request.customer_name)


def handle_change(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """D11: a change request of the RES serving the account; a change to SBO is decided as an SBO enrollment."""
    return _about_account(ctx, item, key, "change", _decide_change)


def handle_usage_history(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """An 814 HU/HI request (LIN05, D12): an 814 answer, and an 867 per electric point when there is usage to send."""
    request = _request(item)
    account = _cache(ctx).get(request.account_number)
    points = [sp.id for sp in account.electric_points] if account is not None else []
    history = usage.usage_history(ctx.conn, request.account_number, points) if points else {}
    service = request.line_service[3] if len(request.line_service) > 3 else ""
    context = _context(ctx, request, account)
    decision = decide_usage_history(request.to_rules(), service, context, any(history.values()))
    handled = _answer(ctx, request, key, decision, account, "usage history")
    if decision.accepted and account is not None:
        handled.documents += [_history(ctx, request, sp, history[sp.id]) for sp in account.electric_points
                              if history.get(sp.id)]  # fmt: skip
    return handled


def _history(ctx: HandlerContext, request: Request814, point: ServicePoint, periods: tuple[UsagePeriod, ...]) -> Owed:
    """D12: one service point's historical usage, an 867 back to the RES that asked."""
    reference = f"AIC{next_value(ctx.conn, 'reference'):012d}"
    parties = UsageParties(ctx.utility, request.supplier_name, request.supplier_duns, request.account_number,
                           request.supplier_account, request.customer_name)  # fmt: skip
    body = tx867.history_body(reference, ctx.now.date(), parties, PointUsage(point.rate_class, "", periods))
    return Owed(USAGE_HISTORY_867, body)


def handle_response(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """An 814 response (BGN01 11) sent to us: recorded, never answered (its 997 is its answer)."""
    request = _request(item)
    outcome = Outcome(OutcomeKind.NOT_ANSWERED)
    record_outcome(ctx.conn, key, ctx.now, outcome, subject=request.subject)
    return Handled(outcome, request.subject)


def handle_acknowledgment(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """B13: an inbound 997 marks the document it acknowledges; it is never acknowledged back."""
    ack = item.parsed if isinstance(item.parsed, AckReceived) else AckReceived("", "0", "")
    status = ack.status or "?"
    matched = outbox.record_acknowledgment(ctx.conn, ctx.partner, ack.functional_id, ack.group_control, status, ctx.now)
    note = (
        f"AK9 {status} for our {ack.functional_id} group {ack.group_control}"
        f" ({'matched' if matched else 'matching nothing we sent'})"
    )
    outcome = Outcome(OutcomeKind.ACK_RECEIVED, note=note)
    record_outcome(ctx.conn, key, ctx.now, outcome)
    return Handled(outcome)


def refused(ctx: HandlerContext, key: OutcomeKey, outcome: Outcome, subject: Subject | None = None) -> Handled:
    """A set refused before any decision (997 or TA1 rejected, unregistered sender): its one outcome row.

    What was read of it is reported but not stored: the set was not accepted, so it is not a request.
    """
    record_outcome(ctx.conn, key, ctx.now, outcome)
    return Handled(outcome, subject)


def handle_remittance(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """D13: an 820 matched line by line to our 810s (paid, short, over, unknown), or refused whole."""
    if not isinstance(item.parsed, Remittance):
        raise TypeError(f"set {item.st02} of kind {item.kind} is not an 820")  # its row guarantees one
    paid = item.parsed
    duplicate = remittances.applied_before(ctx.conn, paid.payer_duns, paid.trace)
    allowed = remittances.authorized(ctx.conn, ctx.partner, paid.payer_duns)
    invoices = remittances.open_invoices(ctx.conn, [line.invoice for line in paid.lines])
    decision = decide_remittance(paid.total, paid.payer_duns, paid.lines, invoices, duplicate=duplicate,
                                 authorized=allowed)  # fmt: skip
    if decision.accepted:
        outcome = Outcome(OutcomeKind.ACCEPTED, rules=("D13",))
    else:
        outcome = Outcome(OutcomeKind.REJECTED, (Reason("ABN" if duplicate else "A13", decision.reason),), ("D13",))
    outcome_id = record_outcome(ctx.conn, key, ctx.now, outcome, subject=paid.subject)
    head = (paid.payer_duns, paid.trace, ctx.partner, paid.total, paid.paid_on)
    accounts = {line.line: line.account for line in paid.lines if line.account}
    remittances.record_remittance(ctx.conn, head, outcome_id, decision, accounts, ctx.now)
    return Handled(outcome, paid.subject)


def handle_not_expected(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """An 810 or 867 sent to us: the utility sends these and never receives them; recorded, not processed."""
    code = item.parsed.code if isinstance(item.parsed, NotExpected) else "set"
    outcome = Outcome(OutcomeKind.NOT_PROCESSED, note=f"an {code} is sent by the utility, never received")
    record_outcome(ctx.conn, key, ctx.now, outcome)
    return Handled(outcome)


def handle_advice(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """D14: an 824 flags the 810 it rejects or closes the flag it accepts; money never changes by itself."""
    if not isinstance(item.parsed, Advice):
        raise TypeError(f"set {item.st02} of kind {item.kind} is not an 824")  # its row guarantees one
    advice = item.parsed
    states = advice_store.invoice_states(ctx.conn, [i.key for i in advice.items])
    actions = [(i, decide_item(i, ctx.partner, states)) for i in advice.items]  # the sender is the RES (B7)
    outcome = Outcome(OutcomeKind.ACCEPTED, rules=("D14",))
    outcome_id = record_outcome(ctx.conn, key, ctx.now, outcome, subject=advice.subject)
    advice_store.apply_advice(ctx.conn, outcome_id, ctx.partner, actions, ctx.now)
    return Handled(outcome, advice.subject)
