"""One file through the whole path: validate, dispatch each accepted set to its handler, acknowledge and respond.

Each interchange is one database transaction (its account changes, outcome rows and outbound documents commit
together; a TA1-rejected interchange changes nothing). Sets are staged while the file is read, because a set is
only final when its group and interchange close (an IEA error rejects everything before it).
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from edi.flows.delivery import (
    EventSink,
    Failpoint,
    Output,
    no_event,
    no_failpoint,
    store_output,
    wants,
)
from edi.flows.durable import open_regular
from edi.flows.handlers import HANDLERS, Handled, HandlerContext, Staged, refused
from edi.flows.notices import NoticeBox
from edi.flows.reports import FileRun, transaction_report
from edi.flows.responses import response_interchange
from edi.guides.validator import FileProblem, Validator
from edi.naming import mask_account, safe_stem
from edi.store import accounts, ledger
from edi.store.accounts import PRIME_BLOCK, AccountCache
from edi.store.connection import Db, StoreControlNumbers, begin, commit, rollback, savepoint, setting
from edi.store.staging import Stage
from edi.transactions.tx814 import Utility, parse_request
from edi.transactions.tx997 import parse_997
from edi.x12.acks import AckCollector, AckSettings
from edi.x12.problems import Issue, Where
from edi.x12.results import InterchangeResult, SetResult
from edi.x12.writer import Party, TransactionSet, render_set
from rules.enrollment import Policy
from rules.interchange import DUPLICATE_NOTE, InterchangeOutcome, SetKind, interchange_outcome, is_test
from rules.outcomes import UNREGISTERED_SENDER, Outcome, OutcomeKind

MAX_SETS_PER_RESPONSE = 10_000  # large answers are split into interchanges of at most this many 814s


@dataclass(frozen=True)
class RunSettings:
    """The injected clock and processing date, and whether the store keeps what the run did."""

    now: datetime
    as_of: date
    dry_run: bool = False
    policy: Policy = Policy()


class UnreadableInputError(Exception):
    """Reading the input file itself failed (EIO on the inbox's disk); any other error is not the file's."""


class _Input:
    """The input stream, with its read errors told apart from every other error of the run (a log pipe, a disk)."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw

    def read(self, size: int = -1) -> bytes:
        """Read from the file; an OSError here, and only here, is the input's."""
        try:
            return self._raw.read(size)
        except OSError as error:
            raise UnreadableInputError(error.strerror or type(error).__name__) from error


def stage(result: SetResult) -> Staged:
    """What a validated set is, parsed once for its handler."""
    if result.code == "997" and result.segments:
        return Staged(result.group_index, result.control_number, SetKind.ACKNOWLEDGMENT, ack=parse_997(result.segments))
    if result.accepted and result.segments and result.code == "814":
        request = parse_request(result.segments)
        return Staged(result.group_index, result.control_number, request.kind, request)
    return Staged(result.group_index, result.control_number, None)


class FileProcessor:
    """Runs the whole path over one file against an open store."""

    def __init__(
        self,
        conn: Db,
        settings: RunSettings,
        *,
        events: EventSink = no_event,
        failpoint: Failpoint = no_failpoint,
        should_stop: Callable[[], bool] = lambda: False,
        keep_reports: bool = True,
        on_set: Callable[[int, int], None] = lambda sets, position: None,
    ) -> None:
        self.conn = conn
        self.keep_reports = keep_reports  # replay lists every transaction; a batch only counts them
        self.settings = settings
        self.events = events
        self.failpoint = failpoint
        self.should_stop = should_stop
        self.on_set = on_set  # sets read and bytes read so far: the progress mark (H2) and the progress bar
        self.utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))
        self.our_party = Party(setting(conn, "utility_qualifier"), self.utility.duns)
        self.calendar = accounts.load_calendar(conn)

    def run(self, path: Path, *, source_name: str | None = None, file_id: int | None = None) -> FileRun:
        """Process ``path``; bad input is reported in the result, never raised. ``file_id`` links the intake ledger."""
        run = FileRun(path)
        name = source_name or path.name
        try:
            fd = open_regular(path)
        except OSError as error:
            run.issues.append(Issue("FILE:UNREADABLE", f"cannot open the file: {error.strerror}", Where(name)))
            run.read_failure = "unreadable"
            return run
        with os.fdopen(fd, "rb") as raw:
            try:
                self._read(run, name, file_id, _Input(raw))
            except UnreadableInputError as error:  # only the input's own read errors make a file unreadable
                run.issues.append(Issue("FILE:UNREADABLE", f"reading failed: {error}", Where(name)))
                run.read_failure = "unreadable"
            finally:
                rollback(self.conn)  # the transaction opened for an interchange that never came
        return run

    def _read(self, run: FileRun, name: str, file_id: int | None, stream: object) -> None:
        """Stage each set, then decide and commit each interchange as it closes."""
        validator = Validator(file_name=name, keep_segments=True, receiver_ids={self.utility.duns})
        staged: Stage[Staged] = Stage(self.conn)
        collector = self._collector()
        sets = 0
        begin(self.conn)
        for event in validator.run(stream):  # type: ignore[arg-type]
            if isinstance(event, SetResult):
                collector.add_set(event)
                staged.add(stage(event))
                sets += 1
                self.on_set(sets, validator.reader.bytes_read if validator.reader else 0)
            elif isinstance(event, InterchangeResult):
                Interchange(self, run, name, file_id, event).process(staged, collector)
                staged.reset()
                collector = self._collector()
                begin(self.conn)
                if self.should_stop():
                    run.stopped = True
                    return
            elif isinstance(event, FileProblem):
                run.issues.append(event.issue)
        failure = validator.reader.failure if validator.reader is not None else None
        if failure is not None:
            run.read_failure = f"{failure.code}: {failure.message}"

    def _collector(self) -> AckCollector:
        return AckCollector(AckSettings(self.settings.now, StoreControlNumbers(self.conn), self.our_party))


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
        self.ctx = HandlerContext(self.conn, settings.now, settings.as_of, settings.policy, processor.utility,
                                  processor.calendar, self.partner)  # fmt: skip

    def process(self, staged: Stage[Staged], collector: AckCollector) -> None:
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
        ack = collector.finish(ix)
        if ack is not None:
            kind = "ta1" if ix.rejected or all(g.functional_id == "FA" for g in ix.groups) else "997"
            self.outputs.append(Output(kind, "", ack))
        if ix.rejected:
            self._refuse_all(staged, interchange_id, Outcome(OutcomeKind.TA1_REJECTED, note=ix.ta1_note))
        elif is_test(ix.usage):
            self._decide_test(staged, interchange_id)
        else:
            for chunk in self._decide(staged, interchange_id, self._finish):
                self._respond(chunk, interchange_id, stored=False)
            self.outputs += self.notices.send()
        self._commit(staged, outcome, staged.count)

    def _record(self, outcome: InterchangeOutcome) -> int:
        row, groups = ledger_rows(self.ix, self.name, self.file_id, self.ctx.now, outcome)
        self._recorded_id = ledger.record_interchange(self.conn, row)
        ledger.record_groups(self.conn, self._recorded_id, groups)
        return self._recorded_id

    def _key(self, interchange_id: int | None, item: Staged) -> ledger.OutcomeKey:
        return outcome_key(self.ix, interchange_id, item)

    def _refuse_all(self, staged: Stage[Staged], interchange_id: int | None, outcome: Outcome) -> None:
        for item in staged:
            key = self._key(interchange_id, item)
            self._finish(key, refused(self.ctx, key, outcome, item.request))

    def _unknown_sender(self, staged: Stage[Staged]) -> None:
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
        self, staged: Stage[Staged], interchange_id: int, done: Callable[[ledger.OutcomeKey, Handled], None]
    ) -> list[list[str]]:
        """Each staged set through its handler; returns the 814 responses owed, in chunks of at most 10,000.

        Outside a test, every full chunk is stored at once (memory stays flat for big answers); the last one is
        returned with the others to the caller, which envelopes it after the sets are decided.
        """
        chunks: list[list[str]] = []
        responses: list[str] = []
        for _item, key, handled in self._handled(staged, interchange_id):
            done(key, handled)
            if handled.response is not None:
                responses.append(render_set(TransactionSet("814", f"{len(responses) + 1:04d}", handled.response)))
            if len(responses) == MAX_SETS_PER_RESPONSE:
                if is_test(self.ix.usage):
                    chunks.append(responses)  # enveloped after the rollback, so control numbers are kept
                else:
                    self._respond(responses, interchange_id, stored=True)
                responses = []
        self.p.failpoint("rules_applied")
        return [*chunks, responses] if responses else chunks

    def _handled(
        self, staged: Stage[Staged], interchange_id: int
    ) -> Iterator[tuple[Staged, ledger.OutcomeKey, Handled]]:
        """Dispatch: a set the 997 rejected gets that outcome; every other goes to the handler of its kind.

        Sets are taken a block at a time, and the accounts the block names are read together first.
        """
        ctx = dataclasses.replace(self.ctx, accounts=AccountCache(self.conn, self.ctx.as_of))
        block: list[Staged] = []
        for item in staged:
            block.append(item)
            if len(block) == PRIME_BLOCK:
                yield from self._dispatch(ctx, block, interchange_id)
                block = []
        yield from self._dispatch(ctx, block, interchange_id)

    def _dispatch(
        self, ctx: HandlerContext, block: list[Staged], interchange_id: int
    ) -> Iterator[tuple[Staged, ledger.OutcomeKey, Handled]]:
        """One block of sets through their handlers, in order."""
        cache = ctx.accounts
        assert cache is not None
        cache.prime([i.request.account_number for i in block if i.request and i.kind is SetKind.ENROLLMENT],
                    [(i.request.supplier_duns, i.request.request_id) for i in block if i.request])  # fmt: skip
        for item in block:
            key = self._key(interchange_id, item)
            group = self.ix.groups[item.group_index] if item.group_index < len(self.ix.groups) else None
            if item.kind is not SetKind.ACKNOWLEDGMENT and (group is None or group.group_codes or item.kind is None):
                yield item, key, refused(ctx, key, Outcome(OutcomeKind.ACK_REJECTED), item.request)
            elif item.kind is not None:
                handled = HANDLERS[item.kind](ctx, item, key)
                if item.request is not None:  # its BGN02 may now be recorded (D7): read it again if asked
                    cache.forget_request(item.request.supplier_duns, item.request.request_id)
                yield item, key, handled

    def _decide_test(self, staged: Stage[Staged], interchange_id: int) -> None:
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
            self._finish(key, handled)
        for chunk in chunks:
            self._respond(chunk, interchange_id, stored=False)

    def _respond(self, sets: list[str], interchange_id: int, *, stored: bool) -> None:
        """One 814 response interchange; ``stored`` puts it in the outbox now (memory stays flat for big answers)."""
        output = Output("814", "", response_interchange(self.conn, self.ix, self.p.our_party, self.ctx.now, sets))
        if stored:
            output.file_name = store_output(self.conn, output, self.partner, interchange_id, self.ctx.now)
            if not self.p.keep_reports:
                output.content = ""
        self.outputs.append(output)

    def _finish(self, key: ledger.OutcomeKey, handled: Handled) -> None:
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

    def _commit(self, staged: Stage[Staged], outcome: InterchangeOutcome, sets: int) -> None:
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
