"""One file through the whole path: validate, decide each accepted 814, apply, acknowledge and respond.

Each interchange is one database transaction (its account changes, outcome rows and outbound documents commit
together; a TA1-rejected interchange changes nothing). Sets are staged while the file is read, because a set is
only final when its group and interchange close (an IEA error rejects everything before it).
"""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from edi.x12.acks import AckCollector, AckSettings
from edi.flows.delivery import Output, store_output
from edi.x12.problems import Issue, Where
from edi.naming import mask_account
from edi.x12.results import InterchangeResult, SetResult
from edi.guides.files import safe_stem
from edi.x12.segments import Segment
from edi.store.accounts import load_account, load_calendar, load_supplier, request_seen
from edi.store.apply import OutcomeKey, apply_decision, record_outcome, seal_outcome
from edi.store.connection import StoreControlNumbers, next_value, setting
from edi.transactions.tx814 import Granted, Request814, Utility, parse_request, response_body
from edi.guides.validator import FileProblem, Validator
from edi.x12.writer import EnvelopeSettings, Party, TransactionSet, envelope_text, render_set
from rules.decisions import Change, Decision, Reason
from rules.enrollment import Context, Policy, decide_enrollment

NOT_ENROLLMENT = Reason("A13", "ONLY ENROLLMENT REQUESTS (ASI*7*021) ARE PROCESSED")
DUPLICATE_NOTE = "025"  # D7: same sender ISA06 + ISA13 already processed

EventSink = Callable[..., None]  # event name, then allow-listed fields (never names or clear account numbers)
Failpoint = Callable[[str], None]  # named crash points for the exactly-once tests


def _no_event(event: str, **fields: object) -> None:
    """The default sink: events go nowhere."""


def _no_failpoint(name: str) -> None:
    """The default: no crash points armed."""


@dataclass(frozen=True)
class RunSettings:
    """The injected clock and processing date, and whether the store keeps what the run did."""

    now: datetime
    as_of: date
    dry_run: bool = False
    policy: Policy = Policy()


@dataclass
class TransactionReport:
    """What happened to one transaction set, for the replay printout (account numbers masked)."""

    interchange: str
    group: str
    st02: str
    request_id: str
    account: str
    outcome: str
    reasons: list[str] = field(default_factory=list)
    rules: str = ""
    changes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One line per transaction, then one per change."""
        why = f" {' '.join(self.reasons)}" if self.reasons else ""
        rules = f" [{self.rules}]" if self.rules else ""
        head = (f"ISA13 {self.interchange} GS06 {self.group} ST02 {self.st02} BGN02 {self.request_id or '-'}"
                f" account {self.account or '-'}: {self.outcome}{why}{rules}")
        return "\n".join([head, *(f"    {c}" for c in self.changes)])


@dataclass
class FileRun:
    """Everything one file produced."""

    path: Path
    issues: list[Issue] = field(default_factory=list)
    transactions: list[TransactionReport] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    interchanges: int = 0
    resumed: int = 0  # interchanges an earlier, interrupted run of this file had already committed
    duplicates: int = 0
    unknown_senders: int = 0  # interchanges from a sender that is not a registered RES (B7): quarantined
    stopped: bool = False  # asked to stop between interchanges; the rest waits for the next run
    read_failure: str = ""  # the reader gave up on the file (not X12, segment too long): quarantine it
    outcomes: Counter[str] = field(default_factory=Counter)  # every transaction's outcome, counted
    rejected_codes: Counter[str] = field(default_factory=Counter)  # REF*7G codes of the rejects

    def to_json(self) -> dict[str, Any]:
        """The machine view of the run."""
        return {
            "file": str(self.path),
            "interchanges": self.interchanges,
            "transactions": [asdict(t) for t in self.transactions],
            "outputs": [o.file_name for o in self.outputs],
            "problems": [i.to_json() for i in self.issues],
        }


@dataclass(frozen=True, slots=True)
class AckReceived:
    """An inbound 997: which of our groups it acknowledges and how (AK1, AK9)."""

    functional_id: str
    group_control: str
    status: str


@dataclass(slots=True)
class _Staged:
    group_index: int
    st02: str
    accepted: bool
    request: Request814 | None
    ack: AckReceived | None = None


def parse_997(segments: list[Segment]) -> AckReceived:
    """AK101/AK102 and AK901 of a 997 set."""
    ak1 = next((s for s in segments if s.tag == "AK1"), Segment(["AK1"]))
    ak9 = next((s for s in segments if s.tag == "AK9"), Segment(["AK9"]))
    return AckReceived(ak1.get(1), ak1.get(2).lstrip("0") or "0", ak9.get(1))


STAGE_CHUNK = 1000


class _Stage:
    """Sets read but not yet decided, kept in a temporary table (memory stays flat for 100,000-set interchanges)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS staged_sets (seq INTEGER PRIMARY KEY, item BLOB NOT NULL)")
        self.count = 0

    def add(self, item: _Staged) -> None:
        """Keep one set (inside the interchange's transaction: a rollback forgets it)."""
        self.count += 1
        self.conn.execute("INSERT INTO staged_sets VALUES (?, ?)", (self.count, pickle.dumps(item, protocol=5)))

    def __iter__(self) -> Iterator[_Staged]:
        for start in range(1, self.count + 1, STAGE_CHUNK):
            rows = self.conn.execute("SELECT item FROM staged_sets WHERE seq >= ? AND seq < ? ORDER BY seq",
                                     (start, start + STAGE_CHUNK)).fetchall()
            for (blob,) in rows:
                yield pickle.loads(blob)  # noqa: S301 - our own rows, written a moment ago by this process

    def clear(self) -> None:
        """Forget everything staged (before the interchange commits, or after a rollback)."""
        self.count = 0
        self.conn.execute("DELETE FROM staged_sets")


MAX_SETS_PER_RESPONSE = 10_000  # large answers are split into interchanges of at most this many 814s


class FileProcessor:
    """Runs the whole path over one file against an open store."""

    def __init__(self, conn: sqlite3.Connection, settings: RunSettings, *, events: EventSink = _no_event,
                 failpoint: Failpoint = _no_failpoint, should_stop: Callable[[], bool] = lambda: False,
                 keep_reports: bool = True) -> None:
        self.conn = conn
        self.keep_reports = keep_reports  # replay lists every transaction; a batch only counts them
        self.settings = settings
        self.events = events
        self.failpoint = failpoint
        self.should_stop = should_stop
        self.utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))
        self.our_party = Party(setting(conn, "utility_qualifier"), self.utility.duns)
        self.calendar = load_calendar(conn)

    def run(self, path: Path, *, source_name: str | None = None, file_id: int | None = None) -> FileRun:
        """Process ``path``; bad input is reported in the result, never raised. ``file_id`` links the intake ledger."""
        run = FileRun(path)
        name = source_name or path.name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError as error:
            run.issues.append(Issue("FILE:UNREADABLE", f"cannot open the file: {error.strerror}", Where(name)))
            run.read_failure = "unreadable"
            return run
        with os.fdopen(fd, "rb") as stream:
            validator = Validator(file_name=name, keep_segments=True, receiver_ids={self.utility.duns})
            staged = _Stage(self.conn)
            collector = self._collector()
            try:
                self._begin()
                for event in validator.run(stream):
                    if isinstance(event, SetResult):
                        collector.add_set(event)
                        staged.add(self._stage(event))
                    elif isinstance(event, InterchangeResult):
                        self._interchange(run, name, file_id, event, staged, collector)
                        staged.count, collector = 0, self._collector()
                        self._begin()
                        if self.should_stop():
                            run.stopped = True
                            break
                    elif isinstance(event, FileProblem):
                        run.issues.append(event.issue)
                failure = validator.reader.failure if validator.reader is not None else None
                if failure is not None:
                    run.read_failure = f"{failure.code}: {failure.message}"
            except OSError as error:
                run.issues.append(Issue("FILE:UNREADABLE", f"reading failed: {error.strerror}", Where(name)))
                run.read_failure = "unreadable"
            finally:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")  # the transaction opened for an interchange that never came
        return run

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def _collector(self) -> AckCollector:
        settings = AckSettings(self.settings.now, StoreControlNumbers(self.conn), self.our_party)
        return AckCollector(settings)

    def _stage(self, result: SetResult) -> _Staged:
        if result.code == "997" and result.segments:
            return _Staged(result.group_index, result.control_number, False, None, parse_997(result.segments))
        request = None
        if result.accepted and result.segments and result.code == "814":
            request = parse_request(result.segments)
        return _Staged(result.group_index, result.control_number, result.accepted and request is not None, request)

    def _committed_before(self, file_id: int | None, position: int) -> bool:
        """A8: this file's interchange at ``position`` was committed by an earlier, interrupted run."""
        return file_id is not None and self.conn.execute(
            "SELECT 1 FROM interchanges WHERE file_id = ? AND position = ?", (file_id, position)).fetchone() is not None

    def _duplicate(self, ix: InterchangeResult) -> bool:
        """D7: the same sender's ISA13 was processed before (in any file, TA1-rejected ones excepted)."""
        return self.conn.execute(
            "SELECT 1 FROM interchanges WHERE sender_id = ? AND control_number = ? AND outcome IN"
            " ('processed', 'acknowledgment only')", (ix.sender_id.strip(), ix.control_number)).fetchone() is not None

    def _interchange(self, run: FileRun, name: str, file_id: int | None, ix: InterchangeResult,
                     staged: _Stage, collector: AckCollector) -> None:
        """Decide, respond and commit one interchange (or roll back a dry run)."""
        run.interchanges += 1
        if self._committed_before(file_id, ix.index):
            run.resumed += 1
            self.conn.execute("ROLLBACK")  # the staged rows go with it
            return
        run.issues.extend(ix.issues)
        now = self.settings.now
        staged_count = staged.count
        if not ix.rejected and ix.transaction_count and self._duplicate(ix):
            ix.notes.append(DUPLICATE_NOTE)  # TA1 R 025, nothing in it processed again
            run.duplicates += 1
        if ix.rejected:
            outcome = "duplicate" if ix.ta1_note == DUPLICATE_NOTE else "rejected"
        else:
            outcome = "acknowledgment only" if ix.acknowledgment_only else "processed"
        if ix.sender_recoverable and not self._registered(ix.sender_id.strip()):
            self._unknown_sender(run, name, file_id, ix, staged)
            return
        interchange_id = self._record_interchange(name, file_id, ix, outcome, ix.ta1_note if ix.rejected else "")
        self.conn.executemany(
            "INSERT INTO groups_received (interchange_id, position, functional_id, control_number, ak9_status,"
            " ak9_codes, sets_received, sets_accepted) VALUES (?,?,?,?,?,?,?,?)",
            [(interchange_id, n, g.functional_id, g.control_number, "TA1" if ix.rejected else g.ak9_status,
              " ".join(g.group_codes), g.received_sets, g.accepted_sets) for n, g in enumerate(ix.groups)])
        outputs: list[Output] = []
        partner = safe_stem(ix.sender_id.strip() or "unknown")
        ack = collector.finish(ix)
        if ack is not None:
            kind = "ta1" if ix.rejected or all(g.functional_id == "FA" for g in ix.groups) else "997"
            outputs.append(Output(kind, "", ack))
        test = ix.usage == "T"
        if test:
            # ISA15 T: decided and answered against the real state, but no account change survives; the outcome
            # rows are written again after the rollback so each test transaction still has its one outcome.
            self.conn.execute("SAVEPOINT test_interchange")
        deferred: list[TransactionReport] = []

        def done(report: TransactionReport) -> None:
            if test:
                deferred.append(report)
            else:
                self._finish_report(run, name, ix, report)

        responses: list[str] = []
        if not ix.rejected:
            for text in self._decide_all(ix, interchange_id, staged, done):
                responses.append(text)
                if len(responses) == MAX_SETS_PER_RESPONSE:
                    outputs.append(self._respond(ix, responses, partner, interchange_id, stored=not test))
                    responses = []
        self.failpoint("rules_applied")
        if test:
            self.conn.execute("ROLLBACK TO test_interchange")
            self.conn.execute("RELEASE test_interchange")
            for report in deferred:
                report.outcome = f"test: {report.outcome}"
                self._record_report(interchange_id, report)
                self._finish_report(run, name, ix, report)
        if ix.rejected:
            for item in staged:
                key = OutcomeKey(interchange_id, self._group_control(ix, item), item.st02)
                record_outcome(self.conn, key, now, f"TA1 rejected ({ix.ta1_note})")
                self._finish_report(run, name, ix, self._report(ix, key, item.request, f"TA1 rejected ({ix.ta1_note})"))
        if responses:
            outputs.append(self._respond(ix, responses, partner, interchange_id, stored=False))
        for output in outputs:
            if not output.file_name:
                output.file_name = store_output(self.conn, output, partner, interchange_id, now)
            if not self.keep_reports:
                output.content = ""  # the outbox row holds it; a batch publishes from there
        staged.clear()
        self.conn.execute("ROLLBACK" if self.settings.dry_run else "COMMIT")
        self.failpoint("interchange_committed")
        run.outputs.extend(outputs)
        self.events("interchange", file=name, isa13=ix.control_number, sender=partner, outcome=outcome,
                    ta1=ix.ta1_note if ix.rejected else "", sets=staged_count,
                    outputs=[o.file_name for o in outputs])

    def _respond(self, ix: InterchangeResult, sets: list[str], partner: str, interchange_id: int, *,
                 stored: bool) -> Output:
        """One 814 response interchange; ``stored`` puts it in the outbox now (memory stays flat for big answers)."""
        output = Output("814", "", self._response_interchange(ix, sets))
        if stored:
            output.file_name = store_output(self.conn, output, partner, interchange_id, self.settings.now)
            if not self.keep_reports:
                output.content = ""
        return output

    def _finish_report(self, run: FileRun, name: str, ix: InterchangeResult, report: TransactionReport) -> None:
        """Count one transaction's outcome, log it, and keep the report when a replay wants the list."""
        run.outcomes[report.outcome] += 1
        codes = [r.split(" ", 1)[0] for r in report.reasons]
        if report.outcome in ("rejected", "test: rejected"):
            run.rejected_codes.update(set(codes))
        self.events("transaction", file=name, isa13=ix.control_number, gs06=report.group, st02=report.st02,
                    outcome=report.outcome, codes=codes, rules=report.rules, account=report.account)
        if self.keep_reports:
            run.transactions.append(report)

    def _record_interchange(self, name: str, file_id: int | None, ix: InterchangeResult, outcome: str,
                            ta1_note: str) -> int:
        """The interchange's audit row (and where it sat in its file, for resuming)."""
        cursor = self.conn.execute(
            "INSERT INTO interchanges (source_file, sender_id, control_number, usage, processed_at, outcome, ta1_note,"
            " file_id, position) VALUES (?,?,?,?,?,?,?,?,?)",
            (name, ix.sender_id.strip(), ix.control_number, ix.usage,
             self.settings.now.isoformat(timespec="seconds"), outcome, ta1_note, file_id, ix.index))
        return int(cursor.lastrowid or 0)

    def _registered(self, sender: str) -> bool:
        """B7: only a registered RES (its DUNS in ISA06) is answered or processed."""
        return self.conn.execute("SELECT 1 FROM suppliers WHERE duns = ?", (sender,)).fetchone() is not None

    def _unknown_sender(self, run: FileRun, name: str, file_id: int | None, ix: InterchangeResult,
                        staged: _Stage) -> None:
        """Nothing processed and nothing sent to an address taken from the file; every set gets its outcome."""
        run.unknown_senders += 1
        now = self.settings.now
        interchange_id = self._record_interchange(name, file_id, ix, "unknown sender", "")
        for item in staged:
            key = OutcomeKey(interchange_id, self._group_control(ix, item), item.st02)
            outcome = "not processed: the sender is not a registered RES"
            record_outcome(self.conn, key, now, outcome)
            self._finish_report(run, name, ix, self._report(ix, key, None, outcome))
        staged.clear()
        self.conn.execute("ROLLBACK" if self.settings.dry_run else "COMMIT")
        self.events("interchange", file=name, isa13=ix.control_number, sender="unregistered",
                    outcome="unknown sender", ta1="", sets=run.outcomes.total(), outputs=[])

    def _record_report(self, interchange_id: int, report: TransactionReport) -> None:
        """The outcome row of a test transaction, rebuilt from its report (no BGN02 is remembered for ABN)."""
        cursor = self.conn.execute(
            "INSERT INTO outcomes (interchange_id, group_control, st02, request_id, outcome, rules, reasons,"
            " changes, processed_at) VALUES (?,?,?,?,?,?,?,?,?)",
            (interchange_id, report.group, report.st02, report.request_id, report.outcome, report.rules,
             json.dumps(report.reasons), json.dumps(report.changes), self.settings.now.isoformat(timespec="seconds")))
        seal_outcome(self.conn, int(cursor.lastrowid or 0))

    def _group_control(self, ix: InterchangeResult, item: _Staged) -> str:
        return ix.groups[item.group_index].control_number if item.group_index < len(ix.groups) else ""

    def _decide_all(self, ix: InterchangeResult, interchange_id: int, staged: _Stage,
                    done: Callable[[TransactionReport], None]) -> Iterator[str]:
        """Each staged set's one outcome; yields every 814 response owed, rendered (ST..SE) to keep memory small."""
        number = 0
        for item in staged:
            group = ix.groups[item.group_index] if item.group_index < len(ix.groups) else None
            key = OutcomeKey(interchange_id, group.control_number if group else "", item.st02)
            if item.ack is not None:
                outcome = self._reconcile(ix, item.ack)
                record_outcome(self.conn, key, self.settings.now, outcome)
                done(self._report(ix, key, None, outcome))
                continue
            if group is None or group.group_codes or not item.accepted or item.request is None:
                record_outcome(self.conn, key, self.settings.now, "997 rejected")
                done(self._report(ix, key, item.request, "997 rejected"))
                continue
            request = item.request
            if request.bgn01 != "13":
                record_outcome(self.conn, key, self.settings.now, "not answered (an 814 response is not a request)",
                               request=request.to_rules())
                done(self._report(ix, key, request, "not answered"))
                continue
            decision = self._decide(request)
            reference = f"AIC{next_value(self.conn, 'reference'):012d}"
            applied = apply_decision(self.conn, key, self.settings.now, request.to_rules(), decision, reference)
            granted = self._granted(request.account_number) if decision.accepted else None
            body = response_body(request, decision, utility=self.utility, reference=reference,
                                 today=self.settings.now.date(), granted=granted)
            number += 1
            yield render_set(TransactionSet("814", f"{number:04d}", body))
            report = self._report(ix, key, request, "accepted" if decision.accepted else "rejected", decision)
            report.changes.extend(f"new account {mask_account(n)}" for n in applied.new_accounts)
            done(report)

    def _reconcile(self, ix: InterchangeResult, ack: AckReceived) -> str:
        """B13: an inbound 997 marks the document it acknowledges; never acknowledged back (guide section 3)."""
        partner = safe_stem(ix.sender_id.strip() or "unknown")
        cursor = self.conn.execute(
            "UPDATE outbox SET ack_status = ?, acked_at = ? WHERE partner = ? AND functional_id = ? AND"
            " group_control = ?", (ack.status or "?", self.settings.now.isoformat(timespec="seconds"), partner,
                                   ack.functional_id, ack.group_control))
        matched = "matched" if cursor.rowcount else "matching nothing we sent"
        return f"997 received: AK9 {ack.status or '?'} for our {ack.functional_id} group {ack.group_control} ({matched})"

    def _decide(self, request: Request814) -> Decision:
        """The rules against the store's state (in this transaction: earlier sets of the file count)."""
        if not request.is_enrollment:
            return Decision.reject((NOT_ENROLLMENT,))
        rules_request = request.to_rules()
        ctx = Context(
            account=load_account(self.conn, request.account_number, self.settings.as_of),
            supplier=load_supplier(self.conn, request.supplier_duns),
            calendar=self.calendar,
            as_of=self.settings.as_of,
            seen_request=request_seen(self.conn, request.supplier_duns, request.request_id),
            policy=self.settings.policy,
        )
        return decide_enrollment(rules_request, ctx)

    def _granted(self, number: str) -> Granted:
        row = self.conn.execute("SELECT bill_group FROM accounts WHERE number = ?", (number,)).fetchone()
        rates = self.conn.execute("SELECT rate_class FROM service_points WHERE account_number = ? AND commodity = 'EL'"
                                  " ORDER BY id", (number,)).fetchall()
        return Granted(int(row[0]), tuple(r[0] for r in rates))

    def _report(self, ix: InterchangeResult, key: OutcomeKey, request: Request814 | None, outcome: str,
                decision: Decision | None = None) -> TransactionReport:
        report = TransactionReport(ix.control_number, key.group_control, key.st02,
                                   request.request_id if request else "",
                                   mask_account(request.account_number) if request else "", outcome)
        if decision is not None:
            report.reasons = [f"{r.code} {r.text}" for r in decision.reasons]
            report.rules = " ".join(decision.rules)
            if self.keep_reports:  # a batch counts outcomes; only a replay prints the changes
                report.changes = [_describe_change(c) for c in decision.changes]
        return report

    def _response_interchange(self, ix: InterchangeResult, sets: list[str]) -> str:
        """One GE group of 814 responses back to the interchange's sender."""
        numbers = StoreControlNumbers(self.conn)
        group = ix.groups[0] if ix.groups else None
        envelope = EnvelopeSettings(
            sender=Party(self.our_party.qualifier, self.our_party.id, group.receiver if group else ""),
            receiver=Party(ix.sender_qualifier, ix.sender_id.strip(), group.sender if group else ""),
            timestamp=self.settings.now,
            interchange_control_number=numbers.next_interchange(),
            usage=ix.usage,
        )
        return envelope_text(envelope, "GE", numbers.next_group(), sets)


def _describe_change(change: Change) -> str:
    """A change in words (no account numbers or names: changes hold neither)."""
    shown = ", ".join(f"{k}={v}" for k, v in asdict(change).items())
    return f"{type(change).__name__}({shown})" if shown else type(change).__name__


def change_summary(run: FileRun) -> str:
    """Counts for the closing line of a replay."""
    return json.dumps(dict(run.outcomes), sort_keys=True)
