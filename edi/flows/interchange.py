"""One interchange decided, answered and committed: its sets through the dispatch table, a block at a time.

Each interchange is one database transaction (its account changes, outcome rows and outbound documents commit
together; a TA1-rejected interchange changes nothing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from edi.flows.delivery import Output, store_output, wants
from edi.flows.handlers import HANDLERS, Handled, HandlerContext, Staged, refused
from edi.flows.notices import NoticeBox
from edi.flows.reports import FileRun, transaction_report
from edi.flows.responses import response_interchange
from edi.flows.staging import StagedSets
from edi.naming import mask_account, safe_stem
from edi.store import ledger
from edi.store.accounts import PRIME_BLOCK, AccountCache
from edi.store.connection import commit, rollback, savepoint
from edi.x12.acks import AckCollector, AckPlan
from edi.x12.results import InterchangeResult
from edi.x12.writer import render_set_text
from rules.interchange import DUPLICATE_NOTE, InterchangeOutcome, SetKind, interchange_outcome, is_test
from rules.outcomes import UNREGISTERED_SENDER, Outcome, OutcomeKind

if TYPE_CHECKING:
    from edi.flows.inbound import FileProcessor

Done = Callable[[ledger.OutcomeKey, Handled], None]  # what becomes of each set's handled result
MAX_SETS_PER_RESPONSE = 10_000  # large answers are split into interchanges of at most this many 814s


def ledger_rows(ix: InterchangeResult, name: str, file_id: int | None, now: datetime,
                outcome: InterchangeOutcome) -> tuple[ledger.InterchangeRow, list[ledger.GroupRow]]:  # fmt: skip
    """The interchange's audit row and a row per group with our AK9 (TA1 when the envelope was rejected)."""
    note = ix.ta1_note if ix.rejected else ""
    row = ledger.InterchangeRow(name, ix.sender_id.strip(), ix.control_number, ix.usage, now, outcome, note, file_id,
                                ix.index)  # fmt: skip
    groups = [ledger.GroupRow(n, g.functional_id, g.control_number, "TA1" if ix.rejected else g.ak9_status,
                              " ".join(g.group_codes), g.received_sets, g.accepted_sets)
              for n, g in enumerate(ix.groups)]  # fmt: skip
    return row, groups


def outcome_key(ix: InterchangeResult, interchange_id: int | None, item: Staged) -> ledger.OutcomeKey:
    """Where a set's outcome row belongs: its interchange, its group's GS06 and its ST02."""
    control = ix.groups[item.group_index].control_number if item.group_index < len(ix.groups) else ""
    return ledger.OutcomeKey(interchange_id, control, item.st02)


class Interchange:
    """Decide, respond and commit one interchange (or roll back a dry run)."""

    def __init__(
        self, processor: FileProcessor, run: FileRun, name: str, file_id: int | None, ix: InterchangeResult
    ) -> None:
        self.p, self.conn, self.run, self.ix = processor, processor.conn, run, ix
        self.name, self.file_id = name, file_id
        self.partner = safe_stem(ix.sender_id.strip() or "unknown")
        self.outputs: list[Output] = []
        self._recorded_id: int | None = None
        settings = processor.settings
        self.notices = NoticeBox(self.conn, settings.now, keep_text=processor.keep_reports)  # D9
        self.ahead = False  # decided as read, before the groups close (edi/flows/ahead.py)
        self.ctx = HandlerContext(self.conn, settings.now, settings.as_of, settings.policy, processor.utility,
                                  processor.calendar, self.partner)  # fmt: skip

    def process(self, staged: StagedSets, collector: AckCollector) -> None:
        """The interchange's whole path, ending in its commit."""
        ix, run = self.ix, self.run
        run.interchanges += 1
        if ledger.interchange_committed(self.conn, self.file_id, ix.index):
            run.resumed += 1
            rollback(self.conn)  # the staged rows go with it
            return
        run.issues.extend(ix.issues)
        if (
            not ix.rejected
            and ix.transaction_count
            and ledger.interchange_processed(self.conn, ix.sender_id.strip(), ix.control_number)
        ):
            ix.notes.append(DUPLICATE_NOTE)  # D7: TA1 R 025, nothing in it processed again
            run.duplicates += 1
        if ix.sender_recoverable and not ledger.supplier_registered(self.conn, ix.sender_id.strip()):
            self._unknown_sender(staged)
            return
        outcome = interchange_outcome(
            rejected=ix.rejected, ta1_note=ix.ta1_note, acknowledgment_only=ix.acknowledgment_only
        )
        interchange_id = self._record(outcome)
        self.acknowledge(collector)
        if ix.rejected:
            self._refuse_all(staged, interchange_id, Outcome(OutcomeKind.TA1_REJECTED, note=ix.ta1_note))
        elif is_test(ix.usage):
            self._decide_test(staged, interchange_id)
        else:
            for chunk in self._decide(staged, interchange_id, self.finish):
                self.respond(chunk, interchange_id, stored=False)
            self.outputs += self.notices.send()
        self.commit(staged, outcome, staged.count)

    def acknowledge(self, collector: AckCollector, plan: AckPlan | None = None) -> None:
        """The TA1/997 owed (its control numbers drawn before any response's: ``plan``, when drawn already)."""
        ix = self.ix
        ack = collector.write(plan) if plan is not None else collector.finish(ix)
        if ack is not None:
            kind = "ta1" if ix.rejected or all(g.functional_id == "FA" for g in ix.groups) else "997"
            self.outputs.insert(0, Output(kind, "", ack))  # the first output, whatever was sent before it

    def _record(self, outcome: InterchangeOutcome) -> int:
        row, groups = ledger_rows(self.ix, self.name, self.file_id, self.ctx.now, outcome)
        self._recorded_id = ledger.record_interchange(self.conn, row)
        ledger.record_groups(self.conn, self._recorded_id, groups)
        return self._recorded_id

    def recorded(self, interchange_id: int) -> None:
        """The interchange's ledger row was written (when it opened, for one decided as read)."""
        self._recorded_id = interchange_id

    def _key(self, interchange_id: int | None, item: Staged) -> ledger.OutcomeKey:
        return outcome_key(self.ix, interchange_id, item)

    def _refuse_all(self, staged: StagedSets, interchange_id: int | None, outcome: Outcome) -> None:
        for item in staged:
            key = self._key(interchange_id, item)
            self.finish(key, refused(self.ctx, key, outcome, item.request))

    def _unknown_sender(self, staged: StagedSets) -> None:
        """B7: nothing processed and nothing sent to an address taken from the file; every set gets its outcome."""
        self.run.unknown_senders += 1
        interchange_id = self._record(InterchangeOutcome.UNKNOWN_SENDER)
        self._refuse_all(staged, interchange_id, Outcome(OutcomeKind.NOT_PROCESSED, note=UNREGISTERED_SENDER))
        staged.clear()
        commit(self.conn, keep=not self.p.settings.dry_run)
        self._log_committed()
        self.p.events("interchange", file=self.name, isa13=self.ix.control_number, sender="unregistered",
                      outcome=InterchangeOutcome.UNKNOWN_SENDER.value, ta1="", sets=self.run.outcomes.total(),
                      outputs=[])  # fmt: skip

    def _decide(
        self, staged: Iterable[Staged], interchange_id: int, done: Callable[[ledger.OutcomeKey, Handled], None]
    ) -> list[list[str]]:
        """Each staged set through its handler; returns the 814 responses owed, in chunks of at most 10,000.

        Outside a test, every full chunk is stored at once (memory stays flat for big answers); the last one is
        returned with the others to the caller, which envelopes it after the sets are decided.
        """
        chunks: list[list[str]] = []

        def full(responses: list[str]) -> None:
            if is_test(self.ix.usage):
                chunks.append(responses)  # enveloped after the rollback, so control numbers are kept
            else:
                self.respond(responses, interchange_id, stored=True)

        decider = Decider(self, interchange_id, done, full)
        for item in staged:
            decider.add(item)
        responses = decider.finish()
        self.p.failpoint("rules_applied")
        return [*chunks, responses] if responses else chunks

    def dispatch(
        self, ctx: HandlerContext, block: list[Staged], interchange_id: int
    ) -> Iterator[tuple[Staged, ledger.OutcomeKey, Handled]]:
        """One block of sets through their handlers, in order (ahead of its group's close: keyed as read)."""
        cache = ctx.accounts
        assert cache is not None
        cache.prime([i.request.account_number for i in block if i.request and i.kind is SetKind.ENROLLMENT],
                    [(i.request.supplier_duns, i.request.request_id) for i in block if i.request])  # fmt: skip
        for item in block:
            if self.ahead:  # the group is still open: its verdict is checked when the interchange closes
                key, refuse = ledger.OutcomeKey(interchange_id, item.group_control, item.st02), item.kind is None
            else:
                key = self._key(interchange_id, item)
                group = self.ix.groups[item.group_index] if item.group_index < len(self.ix.groups) else None
                refuse = group is None or bool(group.group_codes) or item.kind is None
            if item.kind is not SetKind.ACKNOWLEDGMENT and refuse:
                yield item, key, refused(ctx, key, Outcome(OutcomeKind.ACK_REJECTED), item.request)
            elif item.kind is not None:
                handled = HANDLERS[item.kind](ctx, item, key)
                if item.request is not None:  # its BGN02 may now be recorded (D7): read it again if asked
                    cache.forget_request(item.request.supplier_duns, item.request.request_id)
                yield item, key, handled

    def _decide_test(self, staged: StagedSets, interchange_id: int) -> None:
        """ISA15 T: decided and answered against the real state, then no account change survives.

        Each set's outcome row is written again after the rollback, marked as a test.
        """
        deferred: list[tuple[ledger.OutcomeKey, Handled]] = []
        with savepoint(self.conn, "test_interchange", keep=False):
            chunks = self._decide(staged, interchange_id, lambda key, handled: deferred.append((key, handled)))
        for key, handled in deferred:
            handled.outcome = handled.outcome.as_test()
            request = handled.request.to_rules() if handled.request and not handled.outcome.refused else None
            ledger.record_outcome(
                self.conn, key, self.ctx.now, handled.outcome, request=request, changes=handled.changes
            )
            self.finish(key, handled)
        for chunk in chunks:
            self.respond(chunk, interchange_id, stored=False)

    def respond(self, sets: list[str], interchange_id: int, *, stored: bool) -> None:
        """One 814 response interchange; ``stored`` puts it in the outbox now (memory stays flat for big answers)."""
        output = Output("814", "", response_interchange(self.conn, self.ix, self.p.our_party, self.ctx.now, sets))
        if stored:
            output.file_name = store_output(self.conn, output, self.partner, interchange_id, self.ctx.now)
            if not self.p.keep_reports:
                output.content = ""
        self.outputs.append(output)

    def finish(self, key: ledger.OutcomeKey, handled: Handled) -> None:
        """Count one transaction's outcome, keep its report when a replay wants the list, owe its drop notices."""
        self.run.count(handled.outcome)
        for duns, body in handled.notices if not handled.outcome.test else ():  # a test interchange changes nobody
            self.outputs += self.notices.add(duns, body)
        if self.p.keep_reports:
            self.run.transactions.append(transaction_report(self.ix.control_number, key, handled))

    def _log_committed(self) -> None:
        """H6: one ``transaction`` event per outcome row the store now holds (nothing for a rolled-back run)."""
        if self._recorded_id is None or self.p.settings.dry_run or not wants(self.p.events, "transaction"):
            return
        for row in ledger.interchange_outcomes(self.conn, self._recorded_id):
            self.p.events("transaction", file=self.name, isa13=self.ix.control_number, gs06=row.group_control,
                          st02=row.st02, outcome=row.outcome, codes=list(row.codes), rules=row.rules,
                          account=mask_account(row.account_number))  # fmt: skip

    def commit(self, staged: StagedSets, outcome: InterchangeOutcome, sets: int) -> None:
        for output in self.outputs:
            if not output.file_name:
                output.file_name = store_output(self.conn, output, self.partner, self._recorded_id, self.ctx.now)
            if not self.p.keep_reports:
                output.content = ""  # the outbox row holds it; a batch publishes from there
        staged.clear()
        commit(self.conn, keep=not self.p.settings.dry_run)
        self.p.failpoint("interchange_committed")
        self._log_committed()
        self.run.outputs.extend(self.outputs)
        self.p.events(
            "interchange",
            file=self.name,
            isa13=self.ix.control_number,
            sender=self.partner,
            outcome=outcome.value,
            ta1=self.ix.ta1_note if self.ix.rejected else "",
            sets=sets,
            outputs=[o.file_name for o in self.outputs],
        )


class Decider:
    """Staged sets through the dispatch table a block of ``PRIME_BLOCK`` at a time; the 814 responses, chunked."""

    def __init__(self, interchange: Interchange, interchange_id: int, done: Done,
                 full: Callable[[list[str]], None]) -> None:  # fmt: skip
        self.interchange, self.interchange_id = interchange, interchange_id
        self.done, self.full = done, full
        self.ctx = dataclasses.replace(interchange.ctx, accounts=AccountCache(interchange.conn, interchange.ctx.as_of))
        self.block: list[Staged] = []
        self.responses: list[str] = []

    def add(self, item: Staged) -> None:
        """One set; a full block is decided at once (its accounts read together first)."""
        self.block.append(item)
        if len(self.block) == PRIME_BLOCK:
            self._decide_block()

    def _decide_block(self) -> None:
        block, self.block = self.block, []
        for _item, key, handled in self.interchange.dispatch(self.ctx, block, self.interchange_id):
            self.done(key, handled)
            if handled.response is not None:
                number = f"{len(self.responses) + 1:04d}"
                self.responses.append(render_set_text("814", number, handled.response))
            if len(self.responses) == MAX_SETS_PER_RESPONSE:
                responses, self.responses = self.responses, []
                self.full(responses)

    def finish(self) -> list[str]:
        """The last block decided; the responses not yet handed to ``full``."""
        self._decide_block()
        responses, self.responses = self.responses, []
        return responses
