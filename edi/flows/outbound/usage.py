"""D15/D16: the monthly 867 of each electric point a RES supplied in a billed period, recorded once."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from edi.store import billing, usage
from edi.store.connection import Db, next_value
from edi.transactions.tx814 import Utility
from edi.transactions.tx867 import PointUsage, UsageParties, monthly_body
from edi.x12.writer import SetText
from rules.model import UsagePeriod
from rules.usage import monthly_recipient


def monthly_reports(conn: Db, bill: billing.Bill, utility: Utility, now: datetime) -> list[tuple[str, str, SetText]]:
    """D15: an 867 per electric point of the bill whose supplier in the period was a RES, once (D16)."""
    made: list[tuple[str, str, SetText]] = []
    for p in billing.usage(conn, bill.id):
        if p.commodity != "EL" or p.account_number != bill.account_number:  # gas, or split off under R5
            continue
        found = monthly_recipient(billing.supply_rows(conn, p.sp_id), bill.period_start, bill.period_end)
        if found is None or usage.usage_reported(conn, p.sp_id, bill.period_start, bill.period_end):
            continue
        row, final = found
        duns = row.supplier_duns or ""
        reference = f"AIC{next_value(conn, 'reference'):012d}"
        kwh, kw = Decimal(p.kwh or "0"), Decimal(p.kw or "0")
        period = UsagePeriod(bill.period_start, bill.period_end, kwh, kw or None)
        parties = billing.invoice_parties(conn, bill.account_number, duns)
        who = UsageParties(utility, parties.supplier_name, duns, bill.account_number, row.supplier_account)
        body = monthly_body(reference, now.date(), who, PointUsage(p.rate_class, p.meter, (period,), final))
        report = usage.UsageReport(p.sp_id, bill.period_start, bill.period_end, bill.account_number, duns,
                                   reference, final, kwh)  # fmt: skip
        usage.record_usage_report(conn, report, now)
        made.append((duns, reference, body))
    return made
