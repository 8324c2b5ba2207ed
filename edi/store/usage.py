"""Usage the store holds per service point: the billing runs' reads, else the snapshot's 12 months of bills (D12)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from edi.store.connection import Db
from edi.times import stamp
from rules.model import UsagePeriod

HISTORY_LIMIT = 12


def usage_history(conn: Db, account: str, points: Sequence[str]) -> dict[str, tuple[UsagePeriod, ...]]:
    """Each point's bill periods, newest first, at most 12: billing-run usage, else (one point) the snapshot's bills.

    Of a period the billing run imported more than once, the latest version counts.
    """
    found: dict[str, dict[tuple[str, str], tuple[int, UsagePeriod]]] = {sp: {} for sp in points}
    rows = conn.execute(
        "SELECT u.sp_id, r.period_start, r.period_end, r.version, u.kwh, u.kw FROM bill_usage u"
        " JOIN bills_run r ON r.id = u.bill_id WHERE r.account_number = ?",
        (account,),
    )
    for sp, start, end, version, kwh, kw in rows:
        periods = found.get(sp)
        if periods is None:
            continue
        known = periods.get((start, end))
        if known is None or known[0] < version:
            periods[(start, end)] = (version, _period(start, end, kwh, kw))
    history = {sp: _newest(v for _, v in periods.values()) for sp, periods in found.items()}
    if len(points) == 1 and not history[points[0]]:
        bills = conn.execute("SELECT period_start, period_end, kwh FROM bills WHERE account_number = ?", (account,))
        history[points[0]] = _newest(_period(s, e, kwh, "0") for s, e, kwh in bills)
    return history


def _period(start: str, end: str, kwh: str, kw: str) -> UsagePeriod:
    demand = Decimal(kw or "0")
    return UsagePeriod(date.fromisoformat(start), date.fromisoformat(end), Decimal(kwh or "0"), demand or None)


def _newest(periods: Iterable[UsagePeriod]) -> tuple[UsagePeriod, ...]:
    return tuple(sorted(periods, key=lambda p: p.end, reverse=True)[:HISTORY_LIMIT])


def usage_reported(conn: Db, sp_id: str, start: date, end: date) -> bool:
    """D16: the point's 867 of this period went out already (a run again sends nothing)."""
    row = conn.execute("SELECT 1 FROM usage_reports WHERE sp_id = ? AND period_start = ? AND period_end = ?",
                       (sp_id, start.isoformat(), end.isoformat())).fetchone()  # fmt: skip
    return row is not None


@dataclass(frozen=True)
class UsageReport:
    """One monthly 867 as the store records it."""

    sp_id: str
    start: date
    end: date
    account_number: str
    supplier_duns: str
    reference: str
    final: bool
    kwh: Decimal


def record_usage_report(conn: Db, report: UsageReport, at: datetime) -> None:
    """D15: the point's 867 of the period, in the caller's transaction (its file name follows with ``sent_in``)."""
    conn.execute(
        "INSERT INTO usage_reports (sp_id, period_start, period_end, account_number, supplier_duns, reference, final,"
        " kwh, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
        (report.sp_id, report.start.isoformat(), report.end.isoformat(), report.account_number,
         report.supplier_duns, report.reference, int(report.final), str(report.kwh), stamp(at)),
    )  # fmt: skip


def mark_usage_sent_in(conn: Db, references: Sequence[str], file_name: str) -> None:
    """The outbox file the 867s of these references went out in."""
    conn.executemany("UPDATE usage_reports SET sent_in = ? WHERE reference = ?", [(file_name, r) for r in references])


def usage_reports(conn: Db, account: str) -> list[dict[str, object]]:
    """The monthly 867s sent for an account's points, oldest first (accounts show)."""
    rows = conn.execute(
        "SELECT sp_id, period_start, period_end, supplier_duns, reference, final, kwh, sent_in FROM usage_reports"
        " WHERE account_number = ? ORDER BY period_end, sp_id",
        (account,),
    )
    return [{"sp_id": r[0], "period_start": r[1], "period_end": r[2], "supplier": r[3], "reference": r[4],
             "final": bool(r[5]), "kwh": r[6], "sent_in": r[7]} for r in rows]  # fmt: skip
