"""One file through the whole path: validate, decide each accepted set by its row of the inbound table, answer.

Each interchange is one database transaction (its account changes, outcome rows and outbound documents commit
together; a TA1-rejected interchange changes nothing). A set is only final when its group and interchange close
(an IEA error rejects everything before it), so sets are staged while the file is read; an interchange that opens
clean is instead decided as it is read, and read again and decided at its close unless it closes clean (ahead.py).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import BinaryIO

from edi.flows.delivery import open_regular
from edi.flows.hooks import EventSink, Failpoint, Guard, no_event, no_failpoint, no_guard
from edi.flows.inbound import reading
from edi.flows.inbound.ahead import Ahead, can_read_ahead
from edi.flows.inbound.interchange import Interchange
from edi.flows.inbound.kinds import Staged, Tables
from edi.flows.inbound.reading import Read, Reread, SetRead, UnreadableInputError, pipelined, read_sets
from edi.flows.inbound.reports import FileRun
from edi.flows.inbound.settings import RunSettings, Scope
from edi.flows.inbound.staging import Stage
from edi.flows.inbound.table import TABLES
from edi.guides.validator import FileProblem, Opened
from edi.store import accounts
from edi.store.connection import Db, StoreControlNumbers, begin, rollback, setting
from edi.transactions.tx814 import Utility
from edi.x12.acks import AckCollector, AckSettings
from edi.x12.problems import MAX_ENVELOPE_ANSWERS, Issue, Where, too_many_rejected
from edi.x12.results import InterchangeResult
from edi.x12.writer import Party


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
        read_ahead: bool = True,
        pipeline: bool = True,
        tables: Tables = TABLES,
        before_commit: Guard = no_guard,
    ) -> None:
        self.conn = conn
        self.settings = settings
        self.should_stop = should_stop
        self.on_set = on_set  # sets read and bytes read so far: the progress mark (H2) and the progress bar
        self.read_ahead = read_ahead  # decide a clean interchange as it is read (False: always at its close)
        self.pipeline = pipeline  # read a big file in a second process (False: always in this one)
        utility = Utility(setting(conn, "utility_name"), setting(conn, "utility_duns"))
        self.scope = Scope(conn, settings, utility, Party(setting(conn, "utility_qualifier"), utility.duns),
                           accounts.load_calendar(conn), tables, events, failpoint, keep_reports,
                           before_commit)  # fmt: skip

    def run(self, path: Path, *, source_name: str | None = None, file_id: int | None = None,
            into: FileRun | None = None) -> FileRun:  # fmt: skip
        """Process ``path``; bad input is reported in the result, never raised. ``file_id`` links the intake ledger.

        ``into`` is the caller's own record of the run: if the store or the disk stops it midway, it holds what
        committed (I7).
        """
        run = into if into is not None else FileRun(path)
        name = source_name or path.name
        try:
            fd = open_regular(path)
        except OSError as error:
            run.issues.append(Issue("FILE:UNREADABLE", f"cannot open the file: {error.strerror}", Where(name)))
            run.read_failure = "unreadable"
            return run
        with os.fdopen(fd, "rb") as raw, contextlib.closing(self._reads(raw, name)) as reads:
            try:
                self._read(run, name, file_id, reads, raw.fileno())
            except UnreadableInputError as error:  # only the input's own read errors make a file unreadable
                run.issues.append(Issue("FILE:UNREADABLE", f"reading failed: {error}", Where(name)))
                run.read_failure = "unreadable"
            finally:
                rollback(self.conn)  # the transaction opened for an interchange that never came
        return run

    def _reads(self, raw: BinaryIO, name: str) -> Generator[Read, None, None]:
        """The file's sets as read: in a second process for a big file (``pipeline``), else here."""
        size = os.fstat(raw.fileno()).st_size
        second = self.pipeline and size >= reading.PIPELINE_BYTES and reading.CAN_FORK
        reader = pipelined if second else read_sets
        return reader(raw, name, {self.scope.utility.duns}, self.scope.tables)

    def _read(self, run: FileRun, name: str, file_id: int | None, reads: Iterator[Read], fd: int) -> None:
        """Decide each set as it is read (reading ahead) or stage it, then finish each interchange as it closes.

        An interchange decided as read and then undone is decided again from its bytes read again (``Reread``).
        """
        staged: Stage[Staged] = Stage()
        collector = self._collector()
        ahead: Ahead | None = None
        sets = in_interchange = rejections = 0
        begin(self.conn)
        self.on_set(0, 0)  # reading begins: a death from here on is one inside the file (I5)
        for event in reads:
            if isinstance(event, SetRead):
                collector.add_loop(event.item.group_index, event.loop, event.loop_segments)
                if ahead is not None:
                    ahead.add(event.item)
                else:
                    staged.add(event.item)
                sets, in_interchange = sets + 1, in_interchange + 1
                self.on_set(sets, event.position)
            elif isinstance(event, Opened):
                ahead = self._ahead(run, name, file_id, event.interchange)
                in_interchange = 0
            elif isinstance(event, InterchangeResult):
                rejections += event.rejected
                if rejections > MAX_ENVELOPE_ANSWERS:  # I3: no more TA1s; the file goes to quarantine
                    run.issues.append(too_many_rejected(name))
                    run.read_failure = f"FILE:TOO_MANY_REJECTED: {too_many_rejected(name).message}"
                    return
                if ahead is None:
                    Interchange(self.scope, run, name, file_id, event).process(staged, collector)
                elif not ahead.close(event, collector):
                    again = Reread(fd, event.offset, name, {self.scope.utility.duns}, self.scope.tables, in_interchange)
                    Interchange(self.scope, run, name, file_id, event).process(again, collector)
                ahead = None
                staged.clear()
                collector = self._collector()
                begin(self.conn)
                if self.should_stop():
                    run.stopped = True
                    return
            elif isinstance(event, FileProblem):
                run.issues.append(event.issue)
            elif event.failure:
                run.read_failure = event.failure

    def _ahead(self, run: FileRun, name: str, file_id: int | None, ix: InterchangeResult) -> Ahead | None:
        """An interchange that opens clean is decided as it is read (ahead.py)."""
        if not self.read_ahead or not can_read_ahead(self.conn, ix, file_id):
            return None
        return Ahead(self.scope, run, name, file_id, ix)

    def _collector(self) -> AckCollector:
        return AckCollector(AckSettings(self.settings.now, StoreControlNumbers(self.conn), self.scope.our_party))
