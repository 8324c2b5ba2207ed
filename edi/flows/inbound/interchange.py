"""One interchange decided, answered and committed: its sets through the inbound table, a block at a time.

Each interchange is one database transaction (its account changes, outcome rows and outbound documents commit
together; a TA1-rejected interchange changes nothing). Whichever way its sets were read (decided as read, staged,
or read again), ``Interchange.close`` ends it, and the order of control numbers is stated there once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator

from edi.flows.delivery import Address, Full, Mailbag, Output, reply_text, send_to_supplier, store_output
from edi.flows.hooks import wants
from edi.flows.inbound.handlers import refused
from edi.flows.inbound.kinds import Handled, HandlerContext, Staged
from edi.flows.inbound.reports import FileRun, transaction_report
from edi.flows.inbound.settings import Scope
from edi.flows.inbound.staging import Stage, StagedSets
from edi.naming import mask_account, safe_stem
from edi.store import ledger
from edi.store.accounts import PRIME_BLOCK, AccountCache
from edi.store.connection import commit, rollback, savepoint
from edi.transactions.documents import ACK_997, TA1
from edi.x12.acks import AckCollector
from edi.x12.results import InterchangeResult
from rules.interchange import DUPLICATE_NOTE, InterchangeOutcome, interchange_outcome, is_test
from rules.outcomes import UNREGISTERED_SENDER, Outcome, OutcomeKind

Done = Callable[[ledger.OutcomeKey, Handled], None]  # what becomes of each set's handled result


def ledger_rows(ix: InterchangeResult, name: str, file_id: int | None, scope: Scope,
                outcome: InterchangeOutcome) -> tuple[ledger.InterchangeRow, list[ledger.GroupRow]]:  # fmt: skip
    """The interchange's audit row and a row per group with our AK9 (TA1 when the envelope was rejected)."""
    note = ix.ta1_note if ix.rejected else ""
    row = ledger.InterchangeRow(name, ix.sender_id.strip(), ix.control_number, ix.usage, scope.run.now, outcome,
                                note, file_id, ix.index)  # fmt: skip
    groups = [ledger.GroupRow(n, g.functional_id, g.control_number, "TA1" if ix.rejected else g.ak9_status,
                              " ".join(g.group_codes), g.received_sets, g.accepted_sets)
              for n, g in enumerate(ix.groups)]  # fmt: skip
    return row, groups


def outcome_key(ix: InterchangeResult, interchange_id: int | None, item: Staged) -> ledger.OutcomeKey:
    """Where a set's outcome row belongs: its interchange, its group's GS06 and its ST02."""
    control = ix.groups[item.group_index].control_number if item.group_index < len(ix.groups) else ""
    return ledger.OutcomeKey(interchange_id, control, item.st02)


class Interchange:
    """Decide, answer and commit one interchange (or roll back a dry run)."""

    def __init__(self, scope: Scope, run: FileRun, name: str, file_id: int | None, ix: InterchangeResult, *,
                 ahead: bool = False, full: Full | None = None) -> None:  # fmt: skip
        self.scope, self.conn, self.run, self.ix = scope, scope.conn, run, ix
        self.part = FileRun(run.path)  # this interchange's counts: joined to the file's run when it commits
        self.name, self.file_id = name, file_id
        self.partner = safe_stem(ix.sender_id.strip() or "unknown")
        self.outputs: list[Output] = []
        self.interchange_id: int | None = None
        self.sets = 0  # outcomes of this interchange's sets counted so far
        self.mailbag = Mailbag(full or (lambda to, sets: self.envelope(to, sets, store_now=True)))  # stored at once
        self.ahead = ahead  # decided as read, before the groups close (ahead.py)
        settings = scope.run
        self.ctx = HandlerContext(self.conn, settings.now, settings.as_of, settings.policy, scope.utility,
                                  scope.calendar, self.partner)  # fmt: skip

    # -- the staged path: the whole interchange at its close ------------------------------------------------
    def process(self, staged: StagedSets, collector: AckCollector) -> None:
        """The interchange's whole path from its staged sets, ending in its commit."""
        ix, run = self.ix, self.run
        recorded = ledger.interchange_committed(self.conn, self.file_id, ix.index)
        if recorded is not None:  # A8: committed before a crash; what decides the file's disposition still counts (I4)
            run.interchanges += 1
            run.resumed += 1
            run.issues.extend(ix.issues)
            run.unknown_senders += recorded == InterchangeOutcome.UNKNOWN_SENDER
            rollback(self.conn)  # the staged rows go with it
            return
        run.issues.extend(ix.issues)
        sender = ix.sender_id.strip()
        processed = ledger.interchange_processed(self.conn, sender, ix.control_number)
        if not ix.rejected and ix.transaction_count and processed:
            ix.notes.append(DUPLICATE_NOTE)  # D7: TA1 R 025, nothing in it processed again
            self.part.duplicates += 1
        if ix.sender_recoverable and not ledger.supplier_registered(self.conn, sender):
            self._unknown_sender(staged)
            return
        outcome = interchange_outcome(rejected=ix.rejected, ta1_note=ix.ta1_note,
                                      acknowledgment_only=ix.acknowledgment_only)  # fmt: skip
        self.record(outcome)
        if ix.rejected:
            rejected = Outcome(OutcomeKind.TA1_REJECTED, note=ix.ta1_note)
            self.close(outcome, collector, lambda: self._refuse_all(staged, rejected))
        elif is_test(ix.usage):
            self.close(outcome, collector, lambda: self._decide_test(staged))
        else:
            self.close(outcome, collector, lambda: self._decide(staged, self.finish))
        staged.clear()

    def record(self, outcome: InterchangeOutcome) -> None:
        """The interchange's ledger row and its groups' rows."""
        row, groups = ledger_rows(self.ix, self.name, self.file_id, self.scope, outcome)
        self.interchange_id = ledger.record_interchange(self.conn, row)
        ledger.record_groups(self.conn, self.interchange_id, groups)

    def settle(self, ix: InterchangeResult, outcome: InterchangeOutcome) -> None:
        """Decided as read and closed clean: its row (recorded at the open) settled with its groups."""
        self.ix = ix
        assert self.interchange_id is not None
        _row, groups = ledger_rows(ix, self.name, self.file_id, self.scope, outcome)
        ledger.settle_interchange(self.conn, self.interchange_id, outcome, "")
        ledger.record_groups(self.conn, self.interchange_id, groups)
        self.run.issues.extend(ix.issues)

    # -- the one close ----------------------------------------------------------------------------------------
    def close(self, outcome: InterchangeOutcome, collector: AckCollector, decide: Callable[[], None]) -> None:
        """End the interchange: control numbers drawn in one order, whichever way its sets were read.

        The TA1/997's numbers first; then whatever ``decide`` sends (full batches of answers and notices, as they
        fill); then the batches still open, the sender's answers before anyone else's; then the commit.
        """
        plan = collector.plan(self.ix)
        decide()
        if plan is not None:
            only_ta1 = self.ix.rejected or all(g.functional_id == ACK_997.functional_id for g in self.ix.groups)
            kind = TA1.name if only_ta1 else ACK_997.name
            self.outputs.insert(0, Output(kind, "", collector.write(plan)))  # the first output, whatever came first
        self.scope.failpoint("rules_applied")
        for address, sets in self.mailbag.rest():
            self.envelope(address, sets, store_now=False)
        self._commit(outcome)

    def envelope(self, address: Address, sets: list[str], *, store_now: bool) -> None:
        """One batch in its own interchange: back to the sender (parties swapped, ISA15 kept) or to another RES."""
        if address.to and is_test(self.ix.usage):
            return  # a test interchange changes nobody else
        conn, now = self.conn, self.ctx.now
        if address.to:
            output = send_to_supplier(conn, address.to, address.kind, sets, now)
        else:
            output = Output(address.kind.name, "", reply_text(conn, self.ix, self.scope.our_party, now,
                                                               address.kind, sets))  # fmt: skip
            if store_now:
                output.file_name = store_output(conn, output, self.partner, self.interchange_id, now)
        if output.file_name and not self.scope.keep_reports:
            output.content = ""  # the outbox row holds it; a batch publishes from there
        self.outputs.append(output)

    def _commit(self, outcome: InterchangeOutcome) -> None:
        for output in self.outputs:
            if not output.file_name:
                output.file_name = store_output(self.conn, output, self.partner, self.interchange_id, self.ctx.now)
            if not self.scope.keep_reports:
                output.content = ""
        self.scope.before_commit()
        commit(self.conn, keep=not self.scope.run.dry_run)
        self._committed()
        log_committed(self.scope, self.name, self.ix.control_number, self.interchange_id)
        self.run.outputs.extend(self.outputs)
        self.scope.events("interchange", file=self.name, isa13=self.ix.control_number, sender=self.partner,
                          outcome=outcome.value, ta1=self.ix.ta1_note if self.ix.rejected else "",
                          sets=self.sets, outputs=[o.file_name for o in self.outputs])  # fmt: skip

    # -- deciding ---------------------------------------------------------------------------------------------
    def _refuse_all(self, staged: Iterable[Staged], outcome: Outcome) -> None:
        for item in staged:
            key = outcome_key(self.ix, self.interchange_id, item)
            self.finish(key, refused(self.ctx, key, outcome, item.parsed.subject if item.parsed else None))

    def _unknown_sender(self, staged: StagedSets) -> None:
        """B7: nothing processed and nothing sent to an address taken from the file; every set gets its outcome."""
        self.run.unknown_senders += 1
        self.record(InterchangeOutcome.UNKNOWN_SENDER)
        self._refuse_all(staged, Outcome(OutcomeKind.NOT_PROCESSED, note=UNREGISTERED_SENDER))
        staged.clear()
        self.scope.before_commit()
        commit(self.conn, keep=not self.scope.run.dry_run)
        self._committed()
        log_committed(self.scope, self.name, self.ix.control_number, self.interchange_id)
        self.scope.events("interchange", file=self.name, isa13=self.ix.control_number, sender="unregistered",
                          outcome=InterchangeOutcome.UNKNOWN_SENDER.value, ta1="", sets=self.sets,
                          outputs=[])  # fmt: skip

    def _decide(self, staged: Iterable[Staged], done: Done) -> None:
        """Each staged set through its kind's row, a block at a time; what each owes goes to the mailbag."""
        decider = Decider(self, done)
        for item in staged:
            decider.add(item)
        decider.finish()

    def _decide_test(self, staged: StagedSets) -> None:
        """ISA15 T: decided and answered against the real state, then no account change survives.

        Each set's outcome row is written again after the rollback, marked as a test; the answers owed are
        enveloped after it, so their control numbers are kept. Both wait in spools, not in memory (I2).
        """
        deferred: Stage[tuple[ledger.OutcomeKey, Handled]] = Stage()
        held: Stage[tuple[Address, list[str]]] = Stage(chunk=1)  # a batch is up to 10,000 sets already
        self.mailbag.full = lambda address, sets: held.add((address, sets))
        with savepoint(self.conn, "test_interchange", keep=False):
            self._decide(staged, lambda key, handled: deferred.add((key, dataclasses.replace(handled, documents=[]))))
        for key, handled in deferred:
            handled.outcome = handled.outcome.as_test()
            subject = handled.subject if not handled.outcome.refused else None
            ledger.record_outcome(self.conn, key, self.ctx.now, handled.outcome, subject=subject,
                                  changes=handled.changes)  # fmt: skip
            self.finish(key, handled)
        deferred.clear()
        for address, sets in held:
            self.envelope(address, sets, store_now=False)
        held.clear()

    def dispatch(self, ctx: HandlerContext, block: list[Staged]) -> Iterator[tuple[ledger.OutcomeKey, Handled]]:
        """One block of sets through their kinds' rows, in order (ahead of its group's close: keyed as read)."""
        kinds, cache = self.scope.tables.kinds, ctx.accounts
        assert cache is not None
        subjects = [(i, i.parsed.subject if i.parsed is not None else None) for i in block]
        cache.prime([s.account for i, s in subjects if s and i.kind and kinds[i.kind].primes_account],
                    [(s.partner, s.reference) for _, s in subjects if s and s.remembered])  # fmt: skip
        for item, subject in subjects:
            if self.ahead:  # the group is still open: its verdict is checked when the interchange closes
                key, refuse = ledger.OutcomeKey(self.interchange_id, item.group_control, item.st02), item.kind is None
            else:
                key = outcome_key(self.ix, self.interchange_id, item)
                group = self.ix.groups[item.group_index] if item.group_index < len(self.ix.groups) else None
                refuse = group is None or bool(group.group_codes) or item.kind is None
            if refuse and item.refusable:
                yield key, refused(ctx, key, Outcome(OutcomeKind.ACK_REJECTED), subject)
            elif item.kind is not None:
                handled = kinds[item.kind].handle(ctx, item, key)
                if subject is not None:  # its reference may now be recorded (D7): read it again if asked
                    cache.forget_request(subject.partner, subject.reference)
                yield key, handled

    def finish(self, key: ledger.OutcomeKey, handled: Handled) -> None:
        """Count one transaction's outcome and keep its report when a replay wants the list."""
        self.part.count(handled.outcome)
        self.sets += 1
        if self.scope.keep_reports:
            self.part.transactions.append(transaction_report(self.ix.control_number, key, handled))

    def _committed(self) -> None:
        """The commit stands: the interchange and its counts join the file's run (a stopped run counts them)."""
        self.run.interchanges += 1
        self.run.absorb(self.part)
        self.part = FileRun(self.run.path)
        self.scope.failpoint("interchange_committed")


def log_committed(scope: Scope, name: str, isa13: str, interchange_id: int | None) -> None:
    """H6: one ``transaction`` event per outcome row the store now holds (nothing for a rolled-back run)."""
    events = scope.events
    if interchange_id is None or scope.run.dry_run or not wants(events, "transaction"):
        return
    for row in ledger.interchange_outcomes(scope.conn, interchange_id):
        events("transaction", file=name, isa13=isa13, gs06=row.group_control, st02=row.st02, outcome=row.outcome,
               codes=list(row.codes), rules=row.rules, account=mask_account(row.account_number))  # fmt: skip


class Decider:
    """Sets through the inbound table a block of ``PRIME_BLOCK`` at a time; what each owes into the mailbag."""

    def __init__(self, interchange: Interchange, done: Done) -> None:
        self.interchange, self.done = interchange, done
        self.ctx = dataclasses.replace(interchange.ctx, accounts=AccountCache(interchange.conn, interchange.ctx.as_of))
        self.block: list[Staged] = []

    def add(self, item: Staged) -> None:
        """One set; a full block is decided at once (its accounts read together first)."""
        self.block.append(item)
        if len(self.block) == PRIME_BLOCK:
            self._decide_block()

    def _decide_block(self) -> None:
        block, self.block = self.block, []
        mailbag = self.interchange.mailbag
        for key, handled in self.interchange.dispatch(self.ctx, block):
            self.done(key, handled)
            for owed in handled.documents:
                mailbag.add(owed)

    def finish(self) -> None:
        """The last block decided."""
        self._decide_block()
