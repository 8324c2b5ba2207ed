"""An interchange decided as it is read: a clean interchange needs no second pass over its sets.

Most interchanges close clean: no TA1 finding and no group the 997 rejects. One that opens clean (production, a
registered sender, an ISA13 not processed before, not already committed by an interrupted run) has each set
decided as soon as it is read, inside a savepoint of the interchange's transaction; it is not staged. At its close:

- clean: its row (recorded at the open) is settled and it ends in ``Interchange.close`` like any other; the
  batches of answers and notices that filled up meanwhile were spooled, not enveloped, and are enveloped there
  after the 997's control numbers are drawn, in the order they filled;
- anything else (a TA1 or AK9 finding, a group the file left open): rolled back to the savepoint, and the
  interchange is read again from its own bytes and decided at its close (``Reread``, ``Interchange.process``).
"""

from __future__ import annotations

import pickle
from tempfile import SpooledTemporaryFile

from edi.flows.delivery import Address
from edi.flows.inbound.interchange import Decider, Interchange, ledger_rows
from edi.flows.inbound.kinds import Staged
from edi.flows.inbound.reports import FileRun
from edi.flows.inbound.settings import Scope
from edi.flows.inbound.staging import SPOOL_BYTES
from edi.store import ledger
from edi.store.connection import Db, open_savepoint, release, rollback_to
from edi.x12.acks import AckCollector
from edi.x12.results import InterchangeResult
from rules.interchange import InterchangeOutcome, interchange_outcome, is_test

SAVEPOINT = "read_ahead"


def can_read_ahead(conn: Db, ix: InterchangeResult, file_id: int | None) -> bool:
    """Whether an interchange, as its ISA left it, is one the sets of which can be decided as they are read."""
    sender = ix.sender_id.strip()
    return (
        not ix.rejected
        and ix.sender_recoverable
        and not is_test(ix.usage)
        and ledger.interchange_committed(conn, file_id, ix.index) is None
        and ledger.supplier_registered(conn, sender)
        and not ledger.interchange_processed(conn, sender, ix.control_number)  # D7: the staged path says 025
    )


class Ahead:
    """One interchange being decided as it is read, undone at its close unless it closes clean."""

    def __init__(self, scope: Scope, run: FileRun, name: str, file_id: int | None, ix: InterchangeResult) -> None:
        self.conn = scope.conn
        self._spool: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(SPOOL_BYTES)  # noqa: SIM115 (closed when the interchange ends)
        self._filled: list[Address] = []  # each full batch's address, in the order they filled
        # Its counts join the file's run only when it commits: one undone at its close is counted when decided again.
        self.interchange = Interchange(scope, run, name, file_id, ix, ahead=True, full=self._spooled)
        open_savepoint(self.conn, SAVEPOINT)
        row, _groups = ledger_rows(ix, name, file_id, scope, InterchangeOutcome.PROCESSED)
        self.interchange.interchange_id = ledger.record_interchange(self.conn, row)
        self.decider = Decider(self.interchange, self.interchange.finish)
        self._groups: dict[int, str] = {}  # each group's GS06 as its sets were keyed

    def add(self, item: Staged) -> None:
        """One set read: decided now (it is not staged: an interchange undone at its close is read again)."""
        self._groups.setdefault(item.group_index, item.group_control)
        self.decider.add(item)

    def _spooled(self, address: Address, sets: list[str]) -> None:
        self._filled.append(address)
        pickle.dump(sets, self._spool, protocol=5)

    def _clean(self, ix: InterchangeResult) -> bool:
        """No TA1 or AK9 finding, and every set was keyed by the group it is in."""
        if ix.rejected or any(group.group_codes for group in ix.groups):
            return False
        return all(i < len(ix.groups) and ix.groups[i].control_number == gs06 for i, gs06 in self._groups.items())

    def close(self, ix: InterchangeResult, collector: AckCollector) -> bool:
        """The interchange at its IEA (or end of data): kept and committed when clean; False when undone."""
        self.decider.finish()
        if not self._clean(ix):
            rollback_to(self.conn, SAVEPOINT)
            self._spool.close()
            return False
        release(self.conn, SAVEPOINT)
        outcome = interchange_outcome(rejected=False, ta1_note="", acknowledgment_only=ix.acknowledgment_only)
        self.interchange.settle(ix, outcome)
        self.interchange.close(outcome, collector, self._envelope_filled)
        return True

    def _envelope_filled(self) -> None:
        """The batches that filled up while the sets were decided, enveloped in that order."""
        self._spool.seek(0)
        for address in self._filled:
            sets: list[str] = pickle.load(self._spool)
            self.interchange.envelope(address, sets, store_now=True)
        self._spool.close()
