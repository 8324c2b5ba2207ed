"""D17: several workers on one inbox and one store: claims, leases, takeovers, strict file order, fencing."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from edi.batch.processor import BatchProcessor
from edi.store import claims
from edi.store.connection import open_store
from edi.store.seal import verify_chain
from scripts.make_example_data import DROP
from tests.batch_helpers import folders, settings
from tests.pg import Cluster
from tests.store_helpers import NOW, fresh_store

LEASE = timedelta(seconds=60)
WALL = datetime.fromtimestamp(settings().wall_clock(), tz=UTC)  # the tests' wall clock, which leases run on


def test_a_claim_is_one_workers_until_its_lease_ends(store_target: str) -> None:
    conn = open_store(store_target)
    assert claims.claim(conn, "f1", "A", NOW, LEASE) == claims.Claim("f1", "A", "")
    assert claims.claim(conn, "f1", "B", NOW + timedelta(seconds=10), LEASE) is None
    assert claims.renew(conn, "f1", "A", NOW + timedelta(seconds=30), LEASE)
    assert claims.claim(conn, "f1", "B", NOW + LEASE, LEASE) is None  # renewed at +30 s: runs to +90 s
    taken = claims.claim(conn, "f1", "B", NOW + LEASE * 2, LEASE)
    assert taken == claims.Claim("f1", "B", "A")
    assert not claims.renew(conn, "f1", "A", NOW + LEASE * 2, LEASE)  # A finds out at its next commit
    assert claims.claim(conn, "f1", "C", NOW + LEASE * 2, LEASE, exclusive=True) == claims.Claim("f1", "C", "B")
    claims.release(conn, "f1", "B")  # not B's any more: nothing happens
    assert claims.live(conn, NOW + LEASE * 2) == [("C", "2026-11-02T15:33:00Z")]
    assert claims.sweep(conn, NOW + LEASE * 4, {"f1"}) == 0  # still in the inbox: kept (its mark is needed)
    assert claims.sweep(conn, NOW + LEASE * 4, set()) == 1


def _pg_drop(tmp_path: Path, cluster: Cluster) -> tuple[str, Path]:
    url = cluster.database()
    fresh_store(tmp_path / "store", target=url).close()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(DROP.glob("*.edi"))[:2]:
        shutil.copy(path, inbox / path.name)
    return url, inbox


def test_a_worker_never_passes_a_file_another_worker_holds(tmp_path: Path, pg_cluster: Cluster) -> None:
    url, inbox = _pg_drop(tmp_path, pg_cluster)
    first = sorted(os.listdir(inbox))[0]
    conn = open_store(url)
    claims.claim(conn, first, "A", WALL, LEASE)  # leases run on the wall clock
    summary = BatchProcessor(conn, folders(tmp_path), settings(worker="B")).run_once()
    assert summary.files == 0 and len(os.listdir(inbox)) == 2  # the second file waits for the first
    claims.release(conn, first, "A")
    summary = BatchProcessor(conn, folders(tmp_path), settings(worker="B")).run_once()
    assert summary.files == 2 and os.listdir(inbox) == []
    assert claims.live(conn, NOW) == []


def test_a_worker_that_lost_its_file_rolls_back_and_the_taker_commits_it_once(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    url, inbox = _pg_drop(tmp_path, pg_cluster)
    conn, other = open_store(url), open_store(url)
    events: list[str] = []
    taken: list[str] = []
    first = sorted(os.listdir(inbox))[0]

    def paused_past_its_lease(point: str) -> None:
        if point == "rules_applied" and not taken:  # while A decided its first interchange, its lease ran out
            taken.append("B")
            assert claims.claim(other, first, "B", WALL + LEASE * 2, LEASE) is not None

    a = BatchProcessor(conn, folders(tmp_path), settings(worker="A"), failpoint=paused_past_its_lease,
                       events=lambda event, **_: events.append(event))  # fmt: skip
    a.run_once()
    assert "file_claim_lost" in events
    assert first in os.listdir(inbox)
    assert conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] <= 1  # only the second file's, if any
    later = settings(worker="B", wall_clock=lambda: WALL.timestamp() + LEASE.total_seconds() * 2)
    BatchProcessor(other, folders(tmp_path), later).run_once()
    assert os.listdir(inbox) == []
    requests = [r[0] for r in conn.execute("SELECT request_id FROM outcomes WHERE request_id <> ''")]
    assert len(requests) == len(set(requests)) == 16  # every set of both files, once
    assert verify_chain(conn)[1] is None


@pytest.mark.parametrize("engine", ["sqlite"])
def test_on_sqlite_a_claim_left_by_a_dead_process_never_blocks_the_next(tmp_path: Path, engine: str) -> None:
    db = tmp_path / "store" / "store.db"
    fresh_store(tmp_path / "store").close()
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(DROP.glob("*.edi"))[:2]:
        shutil.copy(path, inbox / path.name)
    conn = open_store(db)
    claims.claim(conn, sorted(os.listdir(inbox))[0], "dead", NOW, LEASE)  # its file lock died with it
    assert BatchProcessor(conn, folders(tmp_path), settings(worker="next")).run_once().files == 2
