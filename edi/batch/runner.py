"""The unattended loop around the batch processor: signals, the watch interval, crash points, progress."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import FrameType

from edi.batch.lock import StoreLock
from edi.batch.processor import BatchProcessor, BatchSettings, Folders
from edi.batch.summary import Summary
from edi.flows.delivery import EventSink, Failpoint
from edi.naming import error_text
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

    def __bool__(self) -> bool:
        return bool(self.signal)


@dataclass
class BatchOutcome:
    """What the loop did: the counts, and the environment error that stopped it (E3/E4), if any."""

    summary: Summary = field(default_factory=Summary)
    error: str = ""


def run_batch(
    open_db: Callable[[], Db],
    lock: StoreLock,
    folders: Folders,
    settings: BatchSettings,
    *,
    watch: bool,
    interval: float,
    events: EventSink,
    stop: StopFlag,
) -> BatchOutcome:
    """One pass, or passes every ``interval`` seconds until stopped; raises BatchError when it cannot start."""
    outcome = BatchOutcome()
    folders.prepare()
    with lock:
        processor = BatchProcessor(
            open_db(),
            folders,
            settings,
            events=events,
            failpoint=failpoint_from_env(),
            should_stop=lambda: bool(stop),
            progress=terminal_progress(),
        )
        while True:
            try:
                outcome.summary.merge(processor.run_once())
            except (OSError, DbError) as error:
                # Disk full, I/O or database errors: committed work stands, the next run resumes (E3/E4).
                events("run_failed", error=error_text(error))
                if not watch:
                    outcome.error = error_text(error)  # H5: the last-resort line carries no partner data
                    return outcome
            if not watch or stop or not _wait(interval, stop):
                break
    if stop:
        events("stopped", signal=stop.signal)
    return outcome


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


def terminal_progress() -> Callable[[int, int, int], None]:
    """A one-line progress display on a terminal: files done, transactions, rate, time left."""
    if not sys.stderr.isatty():
        return lambda done, total, sets: None
    started = time.monotonic()

    def show(done: int, total: int, sets: int) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        left = (total - done) * elapsed / done if done else 0.0
        sys.stderr.write(f"\r{done}/{total} files  {sets} transactions  {sets / elapsed:,.0f}/s  {left:,.0f} s left ")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show
