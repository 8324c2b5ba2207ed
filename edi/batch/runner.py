"""The unattended loop around the batch processor: signals, the watch interval, crash points, progress."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from edi.batch.lock import StoreLock
from edi.batch.metrics import write_metrics
from edi.batch.processor import BatchProcessor, BatchSettings, Folders, Progress
from edi.batch.summary import Summary
from edi.flows.hooks import EventSink, Failpoint, wants
from edi.naming import error_text
from edi.store import queries
from edi.store.connection import Db, DbError


@dataclass
class StopFlag:
    """Set by SIGTERM or SIGINT; the batch stops between interchanges (the one in hand commits first)."""

    signal: str = ""

    def install(self) -> None:
        """Catch SIGTERM and SIGINT."""
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

    def _on_signal(self, number: int, _frame: FrameType | None) -> None:
        self.signal = signal.Signals(number).name
        if os.isatty(2):  # say at once what happens next (off a terminal, the JSON log's `stopped` event says it)
            with contextlib.suppress(OSError):
                os.write(2, f"\n{self.signal}: finishing the interchange in hand, then stopping\n".encode())

    def __bool__(self) -> bool:
        return bool(self.signal)


@dataclass
class BatchOutcome:
    """What the loop did: the counts, and the environment error that stopped it (E3/E4), if any."""

    summary: Summary = field(default_factory=Summary)
    error: str = ""
    warnings: list[str] = field(default_factory=list)  # what failed beside the work (the metrics file)


@dataclass(frozen=True)
class Watch:
    """How the loop repeats and what it leaves for monitoring."""

    watch: bool = False
    interval: float = 10.0
    metrics: Path | None = None  # a Prometheus textfile rewritten after each run
    progress: Progress = lambda done, total, sets: None  # a terminal's bar (edi/commands), or nothing


COMMITTED_EVENTS = frozenset({"interchange", "file_archived", "file_quarantined", "run_finished"})


class Reporting:
    """An event sink that also reports what the batch has committed after each event that says it grew (I7)."""

    def __init__(self, events: EventSink, outcome: BatchOutcome, report: Callable[[Summary], None]) -> None:
        self.events, self.outcome, self.report = events, outcome, report
        self.processor: BatchProcessor | None = None

    def __call__(self, event: str, **fields: object) -> None:
        self.events(event, **fields)
        if event in COMMITTED_EVENTS and self.processor is not None:
            so_far = Summary()
            so_far.merge(self.outcome.summary)
            so_far.merge(self.processor.pass_summary)  # the files this pass finished
            if self.processor.current is not None:  # and what of the file in hand committed
                so_far.add(self.processor.current)
            self.report(so_far)

    def wants(self, event: str) -> bool:
        """Whether the sink underneath keeps ``event`` (per-transaction events are read back only when kept)."""
        return wants(self.events, event)


def run_batch(open_db: Callable[[], Db], lock: StoreLock, folders: Folders, settings: BatchSettings, *,
              loop: Watch, events: EventSink, stop: StopFlag,
              report: Callable[[Summary], None] = lambda summary: None) -> BatchOutcome:  # fmt: skip
    """One pass, or passes every ``interval`` seconds until stopped; raises BatchError when it cannot start.

    ``report`` hears what the batch has committed each time that grows (edi/batch/supervise.py, I7).
    """
    outcome = BatchOutcome()
    folders.prepare()
    sink = Reporting(events, outcome, report)
    with lock:
        conn = open_db()
        processor = BatchProcessor(conn, folders, settings, events=sink, failpoint=failpoint_from_env(),
                                   should_stop=lambda: bool(stop), progress=loop.progress)  # fmt: skip
        sink.processor = processor
        while True:
            if loop.watch:
                queries.beat(conn, os.getpid(), settings.clock(), loop.interval, watching=True)
            if not _one_pass(processor, outcome, loop, events) and not loop.watch:
                return outcome
            if not loop.watch or stop or not _wait(loop.interval, stop):
                break
        if loop.watch:
            queries.beat(conn, os.getpid(), settings.clock(), loop.interval, watching=False)
    if stop:
        events("stopped", signal=stop.signal)
    return outcome


def _one_pass(processor: BatchProcessor, outcome: BatchOutcome, loop: Watch, events: EventSink) -> bool:
    """One scan; False when the environment stopped it (E3/E4: committed work stands, the next run resumes)."""
    started = time.monotonic()
    try:
        summary = processor.run_once()
    except (OSError, *DbError) as error:
        events("run_failed", error=error_text(error))
        outcome.error = error_text(error)  # H5: the last-resort line carries no partner data
        outcome.summary.merge(processor.pass_summary)  # I7: what committed before the stop is counted
        return False
    outcome.summary.merge(summary)
    if loop.metrics is not None and (summary.files or summary.sent):
        try:
            write_metrics(loop.metrics, processor.conn, summary, seconds=time.monotonic() - started,
                          finished=processor.settings.clock())  # fmt: skip
        except OSError as error:  # the run committed: say so and keep its summary (monitoring is not the work)
            events("metrics_failed", error=error_text(error))
            outcome.warnings.append(f"the metrics file {loop.metrics} could not be written: {error_text(error)}")
    return True


def _wait(interval: float, stop: StopFlag) -> bool:
    """Sleep until the next scan; False when a signal came first."""
    deadline = time.monotonic() + interval
    while time.monotonic() < deadline and not stop:
        time.sleep(min(0.2, interval))
    return not stop


def failpoint_from_env() -> Failpoint:
    """``SBO_EDI_FAILPOINT=name:n`` kills the process (SIGKILL) the n-th time the named point is reached (tests)."""
    spec = os.environ.get("SBO_EDI_FAILPOINT", "")
    if ":" not in spec:
        return lambda name: None
    wanted, _, nth = spec.partition(":")
    count = {"n": 0}

    def hit(name: str) -> None:
        if name == wanted:
            count["n"] += 1
            if count["n"] == int(nth or 1):
                os.kill(os.getpid(), signal.SIGKILL)

    return hit
