"""What a run decides with (``RunSettings``), and what all one file's interchanges share (``Scope``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from edi.flows.hooks import EventSink, Failpoint, Guard, no_event, no_failpoint, no_guard
from edi.flows.inbound.kinds import Tables
from edi.store.connection import Db
from edi.transactions.tx814 import Utility
from edi.x12.writer import Party
from rules.enrollment import Policy
from rules.model import ReadCalendar


@dataclass(frozen=True)
class RunSettings:
    """The injected clock and processing date, and whether the store keeps what the run did."""

    now: datetime
    as_of: date
    dry_run: bool = False
    policy: Policy = Policy()


@dataclass(frozen=True)
class Scope:
    """The values an interchange is decided with: the open store, the run's settings, our parties, the tables."""

    conn: Db
    run: RunSettings
    utility: Utility
    our_party: Party
    calendar: ReadCalendar
    tables: Tables
    events: EventSink = no_event
    failpoint: Failpoint = no_failpoint
    keep_reports: bool = True  # replay lists every transaction; a batch only counts them
    before_commit: Guard = no_guard  # D17: a batch worker checks it still holds the file
