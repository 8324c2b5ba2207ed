"""The shapes of the inbound table: how a transaction set is read (a row per ST01) and decided (a row per kind).

A new transaction set is two rows: a ``SetRow`` that parses its ST01 and names its kind, and a ``KindRow`` that
decides it and says what it owes. The engine reads only these rows (edi/flows/inbound/table.py holds ours).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from edi.guides.compiler import GuideSet
from edi.store.accounts import AccountCache
from edi.store.connection import Db
from edi.store.ledger import OutcomeKey
from edi.transactions.documents import Owed
from edi.transactions.tx814 import Utility
from edi.x12.segments import Segment
from rules.decisions import Change
from rules.enrollment import Policy
from rules.model import ReadCalendar, Subject, Supplier
from rules.outcomes import Outcome


class Parsed(Protocol):
    """What a set's parser returns: any value that says whom and what it is about."""

    @property
    def subject(self) -> Subject | None:
        """The partner, reference and account its outcome row records (None: none of them)."""


@dataclass(slots=True)
class Staged:
    """One transaction set read and validated, waiting to be decided by its kind's row."""

    group_index: int
    st02: str
    kind: str | None  # a row of the kinds table; None: the 997 rejected it (or it is of no kind we read)
    parsed: Parsed | None = None
    group_control: str = ""  # its group's GS06 as read (a set decided before its group closes is keyed by it)
    refusable: bool = True  # its row's: False for a set decided even when the 997 rejects it (B13)


@dataclass(frozen=True)
class HandlerContext:
    """What every handler may use: the open store (inside the interchange's transaction), clock and parties."""

    conn: Db
    now: datetime
    as_of: date
    policy: Policy
    utility: Utility
    calendar: ReadCalendar
    partner: str  # the sender as our outbox names it
    suppliers: dict[str, Supplier | None] = field(default_factory=dict)  # read once per interchange
    accounts: AccountCache | None = None  # primed a block of sets at a time by the caller


@dataclass
class Handled:
    """A handler's result: the outcome it recorded, whom it was about, the documents it owes, what changed."""

    outcome: Outcome
    subject: Subject | None = None  # for the reports: the stored row may name less (a refused set names nobody)
    documents: list[Owed] = field(default_factory=list)  # to the sender ("") or any other partner
    changes: tuple[Change, ...] = ()
    new_accounts: list[str] = field(default_factory=list)


Handler = Callable[[HandlerContext, Staged, OutcomeKey], Handled]


@dataclass(frozen=True)
class SetRow:
    """How one ST01 is read: its parser and the kind row that decides each set it parses."""

    code: str  # ST01
    parse: Callable[[Sequence[Segment]], Parsed]
    kind: Callable[[Parsed], str]  # the name of the kind row that decides the parsed set
    refusable: bool = True  # False: read even when the 997 rejects it (an acknowledgment is never refused: B13)


@dataclass(frozen=True)
class KindRow:
    """How one kind of inbound set is decided: its handler and what to read ahead for a block of them."""

    name: str
    handle: Handler
    primes_account: bool = False  # read its account (and supply) with the block's others before deciding


@dataclass(frozen=True)
class Tables:
    """The inbound table (by ST01, then by kind) and the guides the sets are validated against."""

    sets: Mapping[str, SetRow]
    kinds: Mapping[str, KindRow]
    guides: GuideSet | None = None  # None: our own maps (edi/guides/maps)
