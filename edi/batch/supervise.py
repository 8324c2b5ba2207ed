"""The batch in a child process, so that a signal the store's memory map can raise becomes an exit 1 (I7).

SQLite maps the store's ``-shm`` file into memory; when something truncates that file under a running process,
the next access to the map is a SIGBUS, which no Python code can catch. ``process`` therefore runs the batch in a
forked child and waits: the child sends what it has committed after every interchange and pass, and the parent
turns a child killed by a signal into a typed error with those counts. SIGTERM and SIGINT reach the child, which
stops between interchanges as before. Where there is no fork, or ``$SBO_EDI_INLINE`` is set (a profiler, the
benchmark's per-process peaks), the batch runs in this process.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection

from edi.batch.lock import BatchError
from edi.batch.runner import BatchOutcome
from edi.batch.summary import Summary

CAN_FORK = "fork" in multiprocessing.get_all_start_methods()
INLINE = "SBO_EDI_INLINE"  # set (not 0): the batch runs in this process (a profiler or a benchmark measuring it)
Report = Callable[[Summary], None]  # what the batch has committed so far, sent as it grows
Batch = Callable[[Report], BatchOutcome]


def supervised(batch: Batch, streams: Iterable[object] = ()) -> BatchOutcome:
    """Run ``batch`` in a child process; its outcome, or an error outcome when a signal ended it (I7).

    The child writes its log and progress to ``streams``: when one of them is not a real file (a test's buffer),
    a child's writes would be lost, so the batch runs here instead.
    """
    inline = os.environ.get(INLINE, "") not in ("", "0")
    if inline or not CAN_FORK or not all(_real_file(stream) for stream in streams):
        return batch(lambda summary: None)
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child: run the batch, say how it ended, never return into the caller
        receiver.close()
        os._exit(_child(batch, sender))
    sender.close()
    with _forwarding(pid):
        last, final, refused = _listen(receiver)
        _, status = os.waitpid(pid, 0)
    if refused:
        raise BatchError(refused)
    if final is not None:
        return final
    outcome = BatchOutcome(last or Summary())
    outcome.error = _death(status)
    return outcome


def _real_file(stream: object) -> bool:
    """Whether writes to ``stream`` from a forked child land where this process's would (it has a descriptor)."""
    try:
        return isinstance(stream.fileno(), int)  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and a ValueError
        return False


def _child(batch: Batch, sender: Connection) -> int:
    """The child's whole life; its exit code."""
    try:
        outcome = batch(lambda summary: _send(sender, "progress", summary))
    except BatchError as error:
        _send(sender, "refused", str(error))
        return 2
    except BaseException:  # a defect: the parent reports the child's end, the traceback goes to stderr
        import traceback

        traceback.print_exc()
        return 3
    _send(sender, "done", outcome)
    return 0


def _send(sender: Connection, kind: str, payload: object) -> None:
    with contextlib.suppress(OSError):  # the parent is gone: nobody to tell
        sender.send_bytes(pickle.dumps((kind, payload)))


def _listen(receiver: Connection) -> tuple[Summary | None, BatchOutcome | None, str]:
    """Every message until the child closes its end: the last progress, the final outcome, a refusal."""
    last: Summary | None = None
    final: BatchOutcome | None = None
    refused = ""
    with receiver:
        while True:
            try:
                kind, payload = pickle.loads(receiver.recv_bytes())
            except (EOFError, OSError):
                return last, final, refused
            if kind == "progress":
                last = payload
            elif kind == "done":
                final = payload
            elif kind == "refused":
                refused = payload


def _death(status: int) -> str:
    """How the child ended, in words for the operator."""
    if os.WIFSIGNALED(status):
        name = signal.Signals(os.WTERMSIG(status)).name
        if name == "SIGBUS":
            return ("the batch process was stopped by SIGBUS: the store's shared-memory file (-shm) was truncated or"
                    " became unwritable under it; what committed stays, and the next run resumes (I7)")  # fmt: skip
        return f"the batch process was stopped by {name}; what committed stays, and the next run resumes"
    return f"the batch process ended with exit code {os.WEXITSTATUS(status)} before it finished"


@contextlib.contextmanager
def _forwarding(pid: int):  # type: ignore[no-untyped-def]
    """SIGTERM and SIGINT go on to the child (which stops between interchanges); this process waits for it."""

    def forward(number: int, _frame: object) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, number)

    previous = {number: signal.signal(number, forward) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
