"""Reading a file's transaction sets: validated, parsed by their row of the inbound table, here or in a second process.

``read_sets`` is the one reader: the validator's events, each accepted set parsed once into what its handler
needs. For a big file, ``pipelined`` runs that same reader in a forked process and passes its events through a
pipe in batches, so that one core validates and parses while the other decides (ahead.py decides a
clean interchange as it is read). Both give the same events in the same order; the pipe's buffer bounds how far
the reader runs ahead. What the reading process cannot do is said in the events it sends: the input's own read
errors as ``UnreadableInputError``, anything else as ``ReadingFailedError`` naming only the error's type (H5).
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import multiprocessing
import os
import pickle
import signal
from collections.abc import Collection, Generator, Iterator, Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import BinaryIO

from edi.flows.inbound.kinds import SetRow, Staged, Tables
from edi.guides.validator import FileProblem, Opened, Validator
from edi.x12.acks import ak2_loop
from edi.x12.results import InterchangeResult, SetResult
from edi.x12.segments import DEFAULT_SEPARATORS, Separators

PIPELINE_BYTES = 8 << 20  # files at least this big are read in a second process (a 100,000-set drop: 27 MB)
BATCH = 256  # events per message through the pipe
PIPE_BYTES = 1 << 20  # the pipe's buffer (Linux's default 64 KiB holds half a batch: see ``_roomy``)
PR_SET_PDEATHSIG = 1  # prctl(2)
CAN_FORK = "fork" in multiprocessing.get_all_start_methods()  # elsewhere every file is read in this process


class UnreadableInputError(Exception):
    """Reading the input file itself failed (EIO on the inbox's disk); any other error is not the file's."""


class ReadingFailedError(Exception):
    """The reading process stopped on an error of its own (named by type only: its text may quote the file)."""


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


@dataclass(slots=True)
class SetRead:
    """One set as read: the set staged, its AK2 loop for the 997 (written, and its segment count), bytes read."""

    item: Staged
    loop: str
    loop_segments: int
    position: int


@dataclass(frozen=True, slots=True)
class ReadEnd:
    """The end of the data: why reading stopped early, if it did ("" when the data simply ended)."""

    failure: str


Read = SetRead | Opened | InterchangeResult | FileProblem | ReadEnd


def stage(result: SetResult, sets: Mapping[str, SetRow]) -> Staged:
    """What a validated set is, parsed once by its ST01's row for its kind's handler."""
    index, st02, group_control = result.group_index, result.control_number, result.group_control
    row = sets.get(result.code)
    if row is None or not result.segments or (row.refusable and not result.accepted):
        return Staged(index, st02, None, group_control=group_control)
    parsed = row.parse(result.segments)
    return Staged(index, st02, row.kind(parsed), parsed, group_control, row.refusable)


def read_sets(raw: BinaryIO, name: str, receiver_ids: Collection[str], tables: Tables,
              separators: Separators = DEFAULT_SEPARATORS) -> Generator[Read, None, None]:  # fmt: skip
    """The file's events in order, each set staged with its AK2 loop (in our ``separators``); last a ``ReadEnd``."""
    validator = Validator(tables.guides, file_name=name, keep_segments=True, receiver_ids=receiver_ids, announce=True)
    for event in validator.run(_Input(raw)):  # type: ignore[arg-type]
        if isinstance(event, SetResult):
            item = stage(event, tables.sets)
            loop, count = ak2_loop(event, separators)
            yield SetRead(item, loop, count, validator.reader.bytes_read if validator.reader else 0)
        else:
            yield event
    failure = validator.reader.failure if validator.reader is not None else None
    yield ReadEnd(f"{failure.code}: {failure.message}" if failure is not None else "")


class _Pread:
    """The file from ``offset`` on, read with pread: the file position (shared with a reading process) stays put."""

    def __init__(self, fd: int, offset: int) -> None:
        self.fd, self.offset = fd, offset

    def read(self, size: int = -1) -> bytes:
        """The next bytes from the file, at most ``size``."""
        data = os.pread(self.fd, size if size > 0 else 1 << 20, self.offset)
        self.offset += len(data)
        return data


class Reread:
    """An interchange's sets staged again by reading its bytes again: for one decided as read, then undone.

    The same reader over the same bytes from the interchange's ISA gives the same sets, staged the same way; the
    first interchange it closes is the one (a truncated one ends where the original reading ended it).
    """

    def __init__(self, fd: int, offset: int, name: str, receiver_ids: Collection[str], tables: Tables,
                 count: int) -> None:  # fmt: skip
        self.fd, self.offset, self.name, self.receiver_ids = fd, offset, name, receiver_ids
        self.tables, self.count = tables, count

    def __iter__(self) -> Iterator[Staged]:
        reads = read_sets(_Pread(self.fd, self.offset), self.name, self.receiver_ids, self.tables)  # type: ignore[arg-type]
        for event in reads:
            if isinstance(event, SetRead):
                yield event.item
            elif isinstance(event, InterchangeResult):
                return

    def clear(self) -> None:
        """Nothing is held."""


def pipelined(raw: BinaryIO, name: str, receiver_ids: Collection[str], tables: Tables) -> Generator[Read, None, None]:
    """``read_sets`` run in a forked process; its events, in order (the process is ended when this is)."""
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    _roomy(receiver)
    worker = context.Process(target=_work, args=(sender, raw, name, receiver_ids, tables), daemon=True)
    worker.start()
    sender.close()
    try:
        while True:
            try:
                kind, payload = pickle.loads(receiver.recv_bytes())
            except EOFError:
                worker.join(5)
                raise ReadingFailedError(f"the reading process ended without a word (exit {worker.exitcode})") from None
            if kind == "events":
                yield from payload
            elif kind == "unreadable":
                raise UnreadableInputError(payload)
            elif kind == "failed":
                raise ReadingFailedError(payload)
            else:
                return
    finally:
        receiver.close()
        if worker.is_alive():
            worker.kill()
        worker.join()


def _roomy(end: Connection) -> None:
    """Linux: a pipe buffer of several batches, so the reader reads on while the decider works through a block.

    With the default 64 KiB the reader could be at most one batch ahead: it stopped while a block of requests was
    decided, and the decider then waited for each further batch to be read (4 s of a 100,000-set drop).
    """
    with contextlib.suppress(OSError, AttributeError):  # elsewhere (or over the limit) the pipe keeps its size
        fcntl.fcntl(end.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _die_with_parent() -> None:
    """Linux: the kernel ends this process when the deciding one dies (it shares the store's lock: H3)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def _work(sender: Connection, raw: BinaryIO, name: str, receiver_ids: Collection[str], tables: Tables) -> None:
    """The reading process: every event sent in batches, then how reading ended."""
    _die_with_parent()
    batch: list[Read] = []
    try:
        for event in read_sets(raw, name, receiver_ids, tables):
            batch.append(event)
            if len(batch) == BATCH:
                sender.send_bytes(pickle.dumps(("events", batch), protocol=5))
                batch = []
        sender.send_bytes(pickle.dumps(("events", batch), protocol=5))
        sender.send_bytes(pickle.dumps(("done", None)))
    except UnreadableInputError as error:
        _say(sender, "unreadable", str(error))
    except BrokenPipeError:
        pass  # the deciding process is gone: nobody to tell
    except Exception as error:  # a defect of ours while reading: the deciding process fails the file (A10)
        _say(sender, "failed", f"{type(error).__name__} while reading")


def _say(sender: Connection, kind: str, text: str) -> None:
    with contextlib.suppress(OSError):  # the deciding process may be gone
        sender.send_bytes(pickle.dumps((kind, text)))
