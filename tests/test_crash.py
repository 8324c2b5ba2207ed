"""Exactly once under crashes: SIGKILL at random instants and at named failpoints, I/O errors at every write.

Each trial runs the batch in a forked child on a copy of the same store and inbox, kills it, runs the batch again
to completion, and compares the store, the outbox, the archive and the quarantine with an uninterrupted run.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from edi.batch.processor import BatchProcessor
from edi.store.connection import open_store
from scripts.make_example_data import DROP, OFF_CYCLE_DATE, advice, interchange, remittance, request
from tests.batch_helpers import copy_store, folder_state, folders, prepared_store, process, settings, store_state

KILL_TRIALS = 200
PIPELINED_KILLS = 30


def _batch(inbox: Path) -> None:
    """The example drop, a resend of one of its files, a multi-interchange file, garbage, an unregistered sender."""
    for path in sorted(DROP.glob("*.edi")):
        shutil.copy(path, inbox / path.name)
    shutil.copy(DROP / "lakeside_energy_20261102_01.edi", inbox / "zz_resend.edi")  # TA1 025
    many = "".join(
        interchange(
            400 + i,
            [request(f"{n:04d}", f"M{i}{n}", number, start=start) for n, (number, start) in enumerate(sets, start=1)],
        )
        for i, sets in enumerate(
            [
                [("1000000001", None), ("1000000003", None)],
                [("1000000008", OFF_CYCLE_DATE)],
                [("1000000006", None), ("1000000999", None)],
            ]
        )
    )
    (inbox / "m_three_interchanges.edi").write_text(many)
    (inbox / "n_garbage.edi").write_bytes(b"\x00" * 300)
    paid = [("AIC0000000001", Decimal("41.88")), ("AIC0000000002", Decimal("10.00"))]  # D13: applied once, or not
    (inbox / "r_remittance.edi").write_text(remittance(460, "CRASH0001", paid))
    (inbox / "r_remittance_again.edi").write_text(remittance(461, "CRASH0001", paid))  # the same TRN02: nothing
    (inbox / "t_advice.edi").write_text(advice(462, "CRASHADV1", "1000000001", [("TR", "AIC0000000001", "A13", "NO")]))
    stranger = ("STRANGER ENERGY", "999999999")  # an unregistered sender: quarantined however often it dies (I4)
    (inbox / "s_stranger.edi").write_text(interchange(450, [request("0001", "S1", "1000000002", supplier=stranger)],
                                                      sender=stranger))  # fmt: skip


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The template store and the uninterrupted run's results."""
    root = tmp_path_factory.mktemp("crash")
    template = prepared_store(root / "template")
    reference_db = copy_store(template, root / "reference")
    f = folders(root / "reference")
    _batch(f.inbox)
    hits: Counter[str] = Counter()
    started = time.perf_counter()
    process(reference_db, f, failpoint=lambda name: hits.update([name]))
    duration = time.perf_counter() - started
    return {
        "root": root,
        "template": template,
        "hits": hits,
        "duration": duration,
        "expected": _results(reference_db, f),
    }


def _results(db: Path, f: Any) -> dict[str, Any]:
    assert os.listdir(f.inbox) == []
    return {
        "store": store_state(db),
        "outbox": folder_state(f.outbox),
        "archive": folder_state(f.archive),
        "quarantine": folder_state(f.quarantine),
    }


def _trial(world: dict[str, Any], name: str) -> tuple[Path, Any]:
    db = copy_store(world["template"], world["root"] / name)
    f = folders(world["root"] / name)
    _batch(f.inbox)
    return db, f


def _in_child(work: Callable[[], None]) -> int:
    """Run ``work`` in a forked child; returns its pid (the child never returns into pytest)."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    return pid


def _run_child(db: Path, f: Any, failpoint: Callable[[str], None] = lambda _: None) -> Callable[[], None]:
    def work() -> None:
        conn = open_store(db)
        BatchProcessor(conn, f, settings(), failpoint=failpoint).run_once()

    return work


def _kill_self_at(point: str, nth: int) -> Callable[[str], None]:
    count = Counter[str]()

    def hit(name: str) -> None:
        if name == point:
            count[name] += 1
            if count[name] == nth:
                os.kill(os.getpid(), signal.SIGKILL)

    return hit


def _finish_and_compare(world: dict[str, Any], db: Path, f: Any, label: str) -> None:
    process(db, f)
    got = _results(db, f)
    expected = world["expected"]
    for part in ("outbox", "archive", "quarantine"):
        assert got[part] == expected[part], f"{label}: {part} differs"
    for table, rows in expected["store"].items():
        assert got["store"][table] == rows, f"{label}: table {table} differs"


def _child_duration(world: dict[str, Any]) -> float:
    """How long the batch takes in a forked child (warm imports, like the trials)."""
    db, f = _trial(world, "timing")
    started = time.perf_counter()
    pid = _in_child(_run_child(db, f))
    os.waitpid(pid, 0)
    duration = time.perf_counter() - started
    shutil.rmtree(world["root"] / "timing")
    return duration


def _random_kills(world: dict[str, Any], seed: int, kills: int, name: str) -> None:
    """``kills`` batches SIGKILLed while they ran, each finished by a second run and compared."""
    rng = random.Random(seed)
    duration = _child_duration(world)
    killed_mid_run = trials = 0
    while killed_mid_run < kills and trials < kills * 4:  # only kills that landed while it ran count
        trials += 1
        db, f = _trial(world, f"{name}{trials}")
        pid = _in_child(_run_child(db, f))
        time.sleep(rng.uniform(0, duration))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed_mid_run += os.WIFSIGNALED(status)
        _finish_and_compare(world, db, f, f"{name} trial {trials}")
        shutil.rmtree(world["root"] / f"{name}{trials}")
    assert killed_mid_run == kills, f"only {killed_mid_run} of {trials} kills landed while the batch ran"


def test_random_sigkill_points_converge_to_the_uninterrupted_run(world: dict[str, Any]) -> None:
    _random_kills(world, 20261123, KILL_TRIALS, "kill")


def test_random_sigkills_while_a_second_process_reads_converge_too(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every file read in a second process (edi/flows/reading.py): a kill of the batch leaves nothing half done."""
    monkeypatch.setattr("edi.flows.inbound.reading.PIPELINE_BYTES", 0)  # the forked batch inherits it
    _random_kills(world, 20261203, PIPELINED_KILLS, "pkill")


NAMED_POINTS = (
    "rules_applied",
    "interchange_committed",
    "after_temp_write",
    "after_rename",
    "before_mark_sent",
    "after_mark_sent",
    "before_inbox_move",
)


@pytest.mark.parametrize("point", NAMED_POINTS)
def test_named_failpoints_at_first_middle_and_last(world: dict[str, Any], point: str) -> None:
    total = world["hits"][point]
    assert total >= 3, f"{point} reached only {total} times"
    for nth in sorted({1, (total + 1) // 2, total}):
        db, f = _trial(world, f"{point}{nth}")
        pid = _in_child(_run_child(db, f, _kill_self_at(point, nth)))
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"{point}:{nth} never reached"
        _finish_and_compare(world, db, f, f"{point}:{nth}")


def _failing_io(monkeypatch: pytest.MonkeyPatch, fail_at: int | None, error: int) -> Counter[str]:
    """Count (and fail the ``fail_at``-th of) every write, fsync and rename our file protocol makes."""
    import edi.flows.delivery.durable as durable

    calls: Counter[str] = Counter()
    real = {name: getattr(os, name) for name in ("write", "fsync", "replace")}

    def wrap(name: str) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            calls["all"] += 1
            if calls["all"] == fail_at:
                raise OSError(error, os.strerror(error))
            return real[name](*args)

        return call

    fake = type("os", (), {n: staticmethod(getattr(os, n)) for n in dir(os) if not n.startswith("__")})
    for name in real:
        setattr(fake, name, staticmethod(wrap(name)))
    monkeypatch.setattr(durable, "os", fake)
    return calls


def test_disk_full_and_io_errors_at_every_file_write(world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    db, f = _trial(world, "count_io")
    with monkeypatch.context() as m:
        counted = _failing_io(m, None, errno.ENOSPC)
        process(db, f)
    total = counted["all"]
    assert total > 20
    for n in range(1, total + 1):
        code = errno.ENOSPC if n % 2 else errno.EIO
        db, f = _trial(world, f"io{n}")
        with monkeypatch.context() as m:
            _failing_io(m, n, code)
            with pytest.raises(OSError):
                process(db, f)  # the run stops: disk full is not the file's fault
        assert not [p for p in f.outbox.iterdir() if p.name.startswith(".")], f"write {n}: a temp file is left"
        _finish_and_compare(world, db, f, f"I/O error at write {n}")
        shutil.rmtree(world["root"] / f"io{n}")


def test_database_errors_at_many_points(world: dict[str, Any]) -> None:
    db, f = _trial(world, "count_db")
    ticks = Counter[str]()
    conn = open_store(db)
    conn.set_progress_handler(lambda: ticks.update(["n"]) or 0, 50)
    BatchProcessor(conn, f, settings()).run_once()
    conn.close()
    total = ticks["n"]
    for n in sorted({max(1, total * k // 40) for k in range(41)}):
        db, f = _trial(world, f"db{n}")
        conn = open_store(db)
        seen = Counter[str]()

        def interrupt() -> int:
            seen["n"] += 1
            return 1 if seen["n"] == n else 0

        conn.set_progress_handler(interrupt, 50)
        try:
            BatchProcessor(conn, f, settings()).run_once()
        except sqlite3.Error:
            pass
        conn.close()
        _finish_and_compare(world, db, f, f"database error at tick {n}")
        shutil.rmtree(world["root"] / f"db{n}")


def test_the_crash_world_holds_one_switch_notice_every_kill_is_compared_with(world: dict[str, Any]) -> None:
    """D9: the example drop switches one account, so the runs above prove its notice is never lost nor doubled."""
    notices = [name for name in world["expected"]["outbox"] if name.endswith(".814-drop")]
    assert len(notices) == 1 and b"REF*12*1000000014~" in world["expected"]["outbox"][notices[0]]


def test_i5_kills_before_the_first_set_is_read_do_not_make_a_healthy_file_poison(world: dict[str, Any]) -> None:
    root = world["root"] / "early"
    db = copy_store(world["template"], root)
    f = folders(root)
    shutil.copy(DROP / "prairie_power_20261102_01.edi", f.inbox / "healthy.edi")
    for _ in range(4):  # one more than the poison rule's three deaths at the same place
        pid = _in_child(_run_child(db, f, _kill_self_at("file_started", 1)))
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the early kill point was never reached"
    summary = process(db, f)
    assert (summary.archived, summary.quarantined) == (1, 0)
    assert any(p.suffix == ".814" for p in f.outbox.iterdir())  # its sender got its answers
