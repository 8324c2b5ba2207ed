"""Closing a bill group's read cycle: what falls due at a scheduled read (D3's 814 change to SBO)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from edi.flows.delivery import Output, send_to_supplier
from edi.naming import mask_account
from edi.store import cycles
from edi.store.apply import add_timeline
from edi.store.connection import Db, StoreError, next_value, setting
from edi.transactions.documents import CHANGE_814
from edi.transactions.tx814 import SwitchNotice, Utility, change_body
from edi.x12.writer import TransactionSet, render_set


@dataclass
class CycleClose:
    """What closing one group's read produced."""

    bill_group: int
    read_date: date
    switched: list[str] = field(default_factory=list)  # masked account numbers
    outputs: list[Output] = field(default_factory=list)
    already_closed: bool = False

    def lines(self) -> list[str]:
        """What the close did, for the terminal (account numbers masked)."""
        note = " (already closed before)" if self.already_closed else ""
        head = (
            f"bill group {self.bill_group} read {self.read_date} closed{note}: {len(self.switched)} account(s)"
            f" switched to SBO, {len(self.outputs)} 814 change interchange(s)"
        )
        return [head, *(f"  {masked}: DUAL -> SBO (R7, D3)" for masked in self.switched)]


def _notice_set(conn: Db, due: cycles.DueNotice, number: int, utility: Utility, read_date: date, now: datetime) -> str:
    """One 814 change (D3) for one account, recorded as sent and on the account's timeline."""
    notice = SwitchNotice(
        due.account_number, due.supplier_duns, due.supplier_name, due.supplier_account, due.switch_date, due.request_id
    )
    reference = f"AIC{next_value(conn, 'reference'):012d}"
    body = change_body(notice, utility=utility, reference=reference, today=now.date())
    cycles.mark_notice_sent(conn, due.id, now.date())
    add_timeline(
        conn,
        due.account_number,
        now,
        due.outcome_id,
        "R7+D3",
        "first bill period closed: billing option now SBO (ESP/DUAL); 814 change sent to the RES",
        switch_date=due.switch_date.isoformat(),
        reference=reference,
        read_date=read_date.isoformat(),
    )
    return render_set(TransactionSet(CHANGE_814.code, f"{number:04d}", body))


def close_cycle(conn: Db, group: int, read_date: date, now: datetime) -> CycleClose:
    """Advance ``group`` past ``read_date``: switch due off-cycle accounts to SBO and owe each RES its 814 changes.

    Runs in the caller's transaction. Closing the same read again emits nothing new.
    """
    if not cycles.is_scheduled_read(conn, group, read_date):
        raise StoreError(f"{read_date} is not a scheduled read of bill group {group}")
    result = CycleClose(group, read_date)
    result.already_closed = not cycles.record_close(conn, group, read_date, now)
    utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))
    for duns, notices in groupby(cycles.due_notices(conn, group, read_date), key=lambda n: n.supplier_duns):
        sets = []
        for number, due in enumerate(notices, start=1):
            sets.append(_notice_set(conn, due, number, utility, read_date, now))
            result.switched.append(mask_account(due.account_number))
        result.outputs.append(send_to_supplier(conn, duns, CHANGE_814, sets, now))
    return result
