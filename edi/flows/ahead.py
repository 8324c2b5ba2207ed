"""An interchange decided as it is read (issue 13): a clean interchange needs no second pass over its sets.

Most interchanges close clean: no TA1 finding and no group the 997 rejects. One that opens clean (production, a
registered sender, an ISA13 not processed before, not already committed by an interrupted run) has each set
decided as soon as it is read, inside a savepoint of the interchange's transaction. At its close:

- clean: it is kept exactly as if it had been staged and decided at the close. The interchange row recorded at
  the open gets its outcome, the group rows are written, the 997's control numbers are drawn first, and the
  response and notice interchanges that filled up meanwhile (spooled, not yet enveloped) are enveloped after
  them, in the order they filled;
- anything else (a TA1 or AK9 finding, a group the file left open): rolled back to the savepoint, and the
  interchange is decided from the stage at its close (``Interchange.process``), as every interchange was before.

Sets are still staged as they are read, so the second case has them all; the stage is a spool outside the
transaction, which rolling back to the savepoint leaves alone.
"""

from __future__ import annotations

import pickle
from tempfile import SpooledTemporaryFile
from typing import TYPE_CHECKING

from edi.flows.handlers import Staged
from edi.flows.interchange import Decider, Interchange, ledger_rows
from edi.flows.reports import FileRun
from edi.flows.staging import SPOOL_BYTES, StagedSets
from edi.store import ledger
from edi.store.connection import Db, open_savepoint, release, rollback_to
from edi.x12.acks import AckCollector
from edi.x12.results import InterchangeResult
from rules.interchange import InterchangeOutcome, interchange_outcome, is_test

if TYPE_CHECKING:
    from edi.flows.delivery import Output
    from edi.flows.inbound import FileProcessor

SAVEPOINT = "read_ahead"


def can_read_ahead(conn: Db, ix: InterchangeResult, file_id: int | None) -> bool:
    """Whether an interchange, as its ISA left it, is one the sets of which can be decided as they are read."""
    sender = ix.sender_id.strip()
    return (
        not ix.rejected
        and ix.sender_recoverable
        and not is_test(ix.usage)
        and not ledger.interchange_committed(conn, file_id, ix.index)
        and ledger.supplier_registered(conn, sender)
        and not ledger.interchange_processed(conn, sender, ix.control_number)  # D7: the staged path says 025
    )


class Ahead:
    """One interchange being decided as it is read, undone at its close unless it closes clean."""

    def __init__(self, processor: FileProcessor, run: FileRun, name: str, file_id: int | None,
                 ix: InterchangeResult) -> None:  # fmt: skip
        self.run, self.conn = run, processor.conn
        self.interchange = Interchange(processor, FileRun(run.path), name, file_id, ix)  # counted apart until kept
        self.interchange.ahead = True
        open_savepoint(self.conn, SAVEPOINT)
        row, _groups = ledger_rows(ix, name, file_id, processor.settings.now, InterchangeOutcome.PROCESSED)
        self.interchange_id = ledger.record_interchange(self.conn, row)
        self.interchange.recorded(self.interchange_id)
        self._spool: SpooledTemporaryFile[bytes] = SpooledTemporaryFile(SPOOL_BYTES)  # noqa: SIM115 (closed when the interchange ends)
        self._filled: list[str] = []  # "" for a full chunk of responses, else the DUNS a full notice batch is for
        self.interchange.notices.full = self._notices_filled
        self.decider = Decider(self.interchange, self.interchange_id, self.interchange.finish, self._responses_filled)
        self._groups: dict[int, str] = {}  # each group's GS06 as its sets were keyed

    def add(self, item: Staged) -> None:
        """One set read: decided now (it is not staged: an interchange undone at its close is read again)."""
        self._groups.setdefault(item.group_index, item.group_control)
        self.decider.add(item)

    def _responses_filled(self, sets: list[str]) -> None:
        self._filled.append("")
        pickle.dump(sets, self._spool, protocol=5)

    def _notices_filled(self, duns: str, sets: list[str]) -> list[Output]:
        self._filled.append(duns)
        pickle.dump(sets, self._spool, protocol=5)
        return []  # enveloped at the close, after the 997

    def _clean(self, ix: InterchangeResult) -> bool:
        """No TA1 or AK9 finding, and every set was keyed by the group it is in."""
        if ix.rejected or any(group.group_codes for group in ix.groups):
            return False
        return all(i < len(ix.groups) and ix.groups[i].control_number == gs06 for i, gs06 in self._groups.items())

    def close(self, ix: InterchangeResult, staged: StagedSets, collector: AckCollector) -> bool:
        """The interchange at its IEA (or end of data): kept and committed when clean; False when undone."""
        rest = self.decider.finish()
        if not self._clean(ix):
            rollback_to(self.conn, SAVEPOINT)
            self._spool.close()
            return False
        release(self.conn, SAVEPOINT)
        interchange = self.interchange
        interchange.ix = ix
        self.run.interchanges += 1
        self.run.issues.extend(ix.issues)
        outcome = interchange_outcome(rejected=False, ta1_note="", acknowledgment_only=ix.acknowledgment_only)
        _row, groups = ledger_rows(ix, interchange.name, interchange.file_id, interchange.ctx.now, outcome)
        ledger.settle_interchange(self.conn, self.interchange_id, outcome, "")
        ledger.record_groups(self.conn, self.interchange_id, groups)
        plan = collector.plan(ix)  # the 997's control numbers first, as at any close; its text after the others
        self._envelope_filled()
        if plan is not None:
            interchange.acknowledge(collector, plan)
        interchange.p.failpoint("rules_applied")
        if rest:
            interchange.respond(rest, self.interchange_id, stored=False)
        interchange.outputs += interchange.notices.send()
        self.run.absorb(interchange.run)
        interchange.run = self.run
        interchange.commit(staged, outcome, staged.count)
        return True

    def _envelope_filled(self) -> None:
        """The responses and notices that filled up while the sets were decided, enveloped in that order."""
        interchange = self.interchange
        self._spool.seek(0)
        for duns in self._filled:
            sets: list[str] = pickle.load(self._spool)
            if duns:
                interchange.outputs += interchange.notices.send_sets(duns, sets)
            else:
                interchange.respond(sets, self.interchange_id, stored=True)
        self._spool.close()
