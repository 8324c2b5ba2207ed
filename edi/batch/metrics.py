"""A Prometheus text-format file after each run, for the dashboard a utility already has.

node_exporter's textfile collector reads it; ``prometheus_client``'s own textfile writer writes it atomically.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from prometheus_client import CollectorRegistry, Gauge, write_to_textfile

from edi.batch.summary import Summary
from edi.store import queries, remittances
from edi.store.connection import Db
from edi.transactions.documents import acknowledged_kinds


def write_metrics(path: Path, conn: Db, summary: Summary, *, seconds: float, finished: datetime,
                  overdue_hours: float = 48.0) -> None:  # fmt: skip
    """The last run's counts, the backlog and the overdue acknowledgments, as gauges."""
    registry = CollectorRegistry()
    files = Gauge("sbo_edi_last_run_files", "Files the last run disposed of, by disposition", ["disposition"],
                  registry=registry)  # fmt: skip
    for disposition in ("archived", "quarantined", "failed", "settling"):
        files.labels(disposition).set(getattr(summary, disposition))
    outcomes = Gauge("sbo_edi_last_run_transactions", "Transaction sets of the last run, by outcome", ["outcome"],
                     registry=registry)  # fmt: skip
    outcomes.labels("accepted").set(summary.accepted)
    outcomes.labels("rejected").set(sum(summary.rejected.values()))
    for label, count in summary.other.items():
        outcomes.labels(label).set(count)
    rejects = Gauge("sbo_edi_last_run_rejects", "Rejected requests of the last run, by REF*7G code", ["code"],
                    registry=registry)  # fmt: skip
    for code, count in summary.rejected.items():
        rejects.labels(code).set(count)
    Gauge("sbo_edi_last_run_duration_seconds", "How long the last run took", registry=registry).set(seconds)
    Gauge("sbo_edi_last_run_finished_timestamp_seconds", "When the last run ended", registry=registry).set(
        finished.timestamp()
    )
    Gauge("sbo_edi_unsent_documents", "Documents committed but not yet published", registry=registry).set(
        queries.unsent_count(conn)
    )
    sent = Gauge("sbo_edi_last_run_documents_sent", "Documents the last run published, by kind (867s among them)",
                 ["kind"], registry=registry)  # fmt: skip
    for kind, count in summary.sent.items():
        sent.labels(kind).set(count)
    money = Gauge("sbo_edi_remittance_money", "820 money applied to our 810s, and reported money unreviewed (D13)",
                  ["state"], registry=registry)  # fmt: skip
    for state, amount in remittances.money_totals(conn).items():
        money.labels(state).set(float(amount))  # a gauge holds a float; the store keeps the exact amount
    overdue = queries.overdue_acknowledgments(conn, finished - timedelta(hours=overdue_hours), acknowledged_kinds())
    Gauge("sbo_edi_overdue_acknowledgments", "Documents with no 997 back in time (B13)", registry=registry).set(
        len(overdue)
    )
    write_to_textfile(str(path), registry)
