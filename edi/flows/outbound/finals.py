"""An account finals (move-out, bankruptcy): the RES serving it is told with an 814 drop notice (D9)."""

from __future__ import annotations

from datetime import date, datetime

from edi.flows.delivery import Output, send_to_supplier
from edi.store import accounts
from edi.store.apply import final_account
from edi.store.connection import Db, StoreError, next_value, setting
from edi.transactions.documents import DROP_814
from edi.transactions.tx814 import Utility, drop_notice_body
from edi.x12.writer import TransactionSet, render_set
from rules.decisions import DropNotice


def final(conn: Db, number: str, day: date, now: datetime) -> Output | None:
    """Final ``number`` from ``day`` in the caller's transaction; the drop notice owed to its RES, if one serves it."""
    account = accounts.load_account(conn, number, now.date())
    if account is None:
        raise StoreError(f"no account {number!r} in the store")
    if not account.active:
        raise StoreError(f"account {number!r} is not active")
    state = accounts.supply_state(conn, number, now.date())
    final_account(conn, number, day, now, state.serving)
    if state.serving is None:
        return None
    notice = DropNotice(state.serving, state.supplier_account, day)
    supplier = accounts.load_supplier(conn, state.serving)
    utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))
    reference = f"AIC{next_value(conn, 'reference'):012d}"
    body = drop_notice_body(notice, number, utility=utility, supplier_name=supplier.name if supplier else "",
                            reference=reference, today=now.date())  # fmt: skip
    sets = [render_set(TransactionSet(DROP_814.code, "0001", body))]
    return send_to_supplier(conn, state.serving, DROP_814, sets, now)
