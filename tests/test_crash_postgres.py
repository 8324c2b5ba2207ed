"""Exactly once under crashes on PostgreSQL: the crash world of tests/test_crash.py on the other engine.

The uninterrupted run gives the same store and folders on both engines; a SIGKILL at every named failpoint (first,
middle and last time it is reached) and at random instants, then a run to the end, gives that run again.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.batch_helpers import folders, process, settings
from tests.pg import Cluster
from tests.store_helpers import fresh_store
from tests.test_crash import NAMED_POINTS, _batch, _in_child, _kill_self_at, _results, _run_child

PG_KILLS = 12


@pytest.fixture(scope="module")
def pg_world(tmp_path_factory: pytest.TempPathFactory, pg_cluster: Cluster) -> dict[str, Any]:
    """The template store (a database) and the uninterrupted run's results on PostgreSQL."""
    root = tmp_path_factory.mktemp("pgcrash")
    template = pg_cluster.database()
    fresh_store(root / "template", target=template).close()
    reference = pg_cluster.copy(template)
    f = folders(root / "reference")
    _batch(f.inbox)
    hits: Counter[str] = Counter()
    started = time.perf_counter()
    process(reference, f, failpoint=lambda name: hits.update([name]))  # type: ignore[arg-type]
    duration = time.perf_counter() - started
    return {"root": root, "template": template, "cluster": pg_cluster, "hits": hits, "duration": duration,
            "expected": _results(reference, f)}  # fmt: skip


def _trial(world: dict[str, Any], name: str) -> tuple[str, Any]:
    db = world["cluster"].copy(world["template"])
    f = folders(world["root"] / name)
    _batch(f.inbox)
    return db, f


def _finish_and_compare(world: dict[str, Any], db: str, f: Any, label: str) -> None:
    later = settings().wall_clock() + 3600  # the dead worker's lease has ended: its file is taken over (D17)
    process(db, f, wall_clock=lambda: later)  # type: ignore[arg-type]
    got = _results(db, f)
    for part in ("outbox", "archive", "quarantine"):
        assert got[part] == world["expected"][part], f"{label}: {part} differs"
    for table, rows in world["expected"]["store"].items():
        assert got["store"][table] == rows, f"{label}: table {table} differs"


def test_the_uninterrupted_run_is_the_same_on_both_engines(pg_world: dict[str, Any], tmp_path: Path) -> None:
    from tests.batch_helpers import prepared_store

    db = prepared_store(tmp_path / "sqlite")
    f = folders(tmp_path / "sqlite")
    _batch(f.inbox)
    process(db, f)
    sqlite = _results(db, f)
    for part in ("outbox", "archive", "quarantine"):
        assert sqlite[part] == pg_world["expected"][part], f"{part} differs between the engines"
    assert sqlite["store"] == pg_world["expected"]["store"]


@pytest.mark.parametrize("point", NAMED_POINTS)
def test_named_failpoints_on_postgresql(pg_world: dict[str, Any], point: str) -> None:
    total = pg_world["hits"][point]
    assert total >= 3, f"{point} reached only {total} times"
    for nth in sorted({1, (total + 1) // 2, total}):
        db, f = _trial(pg_world, f"{point}{nth}")
        pid = _in_child(_run_child(db, f, _kill_self_at(point, nth)))  # type: ignore[arg-type]
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, f"{point}:{nth} never reached"
        _finish_and_compare(pg_world, db, f, f"{point}:{nth}")
        shutil.rmtree(pg_world["root"] / f"{point}{nth}")


def test_random_sigkills_on_postgresql(pg_world: dict[str, Any]) -> None:
    rng = random.Random(20261204)
    killed = trials = 0
    while killed < PG_KILLS and trials < PG_KILLS * 4:
        trials += 1
        db, f = _trial(pg_world, f"kill{trials}")
        pid = _in_child(_run_child(db, f))  # type: ignore[arg-type]
        time.sleep(rng.uniform(0, pg_world["duration"] * 1.5))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed += os.WIFSIGNALED(status)
        _finish_and_compare(pg_world, db, f, f"kill trial {trials}")
        shutil.rmtree(pg_world["root"] / f"kill{trials}")
    assert killed == PG_KILLS, f"only {killed} of {trials} kills landed while the batch ran"
