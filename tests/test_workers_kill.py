"""D17 under fire: 3 workers on one drop of 10,000 sets in 20 files, killed, stopped and paused at random.

Whatever happens, the end is the same as one SQLite worker's run of the same drop: every file archived once,
every set one outcome, every document once and byte for byte the same, the audit chain intact.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from edi.store.connection import open_store
from edi.store.seal import verify_chain
from scripts.benchmark import build_store, generate
from tests.pg import Cluster

ROOT = Path(__file__).resolve().parent.parent
FILES, PER_FILE = 20, 500
NOW = "2026-11-02T09:30"
LEASE = "2"  # seconds: a dead worker's file is taken over soon


def _drop(folder: Path) -> None:
    folder.mkdir(parents=True)
    for k in range(FILES):
        generate(folder / f"drop_{k:03d}.edi", PER_FILE, first=k * PER_FILE + 1, isa13=k + 1)


def _worker(work: Path, db: str, name: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from cli import main; main()", "process", "--inbox", str(work / "inbox"),
               "--outbox", str(work / "outbox"), "--db", db, "--settle", "0", "--now", NOW, "--worker", name,
               "--lease", LEASE, "-q"]  # fmt: skip
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)  # fmt: skip


def _strike(victim: subprocess.Popen[bytes], how: str) -> None:
    """SIGKILL (mid-anything), SIGTERM (a clean stop between interchanges) or a pause past the lease."""
    if how == "pause":
        os.killpg(victim.pid, signal.SIGSTOP)  # paused past its lease: its file is taken over meanwhile
        time.sleep(float(LEASE) + 1.0)
        os.killpg(victim.pid, signal.SIGCONT)
        return
    os.killpg(victim.pid, signal.SIGKILL if how == "kill" else signal.SIGTERM)  # the worker and its batch process
    victim.wait()


def _run_under_fire(work: Path, db: str, rng: random.Random, slots: int, kills: int) -> int:
    """Workers in ``slots`` (each started late, a pass each, restarted under a new name) and ``kills`` strikes."""
    running: list[subprocess.Popen[bytes]] = []
    names, killed, deadline = 0, 0, time.monotonic() + 300
    while any((work / "inbox").iterdir()) and time.monotonic() < deadline:
        running = [w for w in running if w.poll() is None]
        while len(running) < slots:
            time.sleep(rng.uniform(0, 0.3))  # started late, one after another
            names += 1
            running.append(_worker(work, db, f"w{names}"))
        time.sleep(rng.uniform(0.2, 1.0))
        if killed < kills and running:
            victim = rng.choice(running)
            if victim.poll() is None:
                _strike(victim, rng.choice(("kill", "kill", "stop", "pause")))
                killed += 1
    for worker in running:
        worker.wait(timeout=120)
    return killed


def _outputs(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((work / "outbox").iterdir())}


def _decisions(db: str) -> list[tuple[str, str, str, str]]:
    conn = open_store(db)
    try:
        rows = conn.execute("SELECT request_id, outcome, rules, reasons FROM outcomes ORDER BY request_id, id")
        return [(str(a), str(b), str(c), str(d)) for a, b, c, d in rows]
    finally:
        conn.close()


def test_workers_killed_at_random_end_as_one_sqlite_worker(tmp_path: Path, pg_cluster: Cluster) -> None:
    reference = tmp_path / "sqlite"
    build_store(reference / "store.db", FILES * PER_FILE)
    _drop(reference / "inbox")
    assert _worker(reference, str(reference / "store.db"), "only").wait(timeout=300) == 0

    work, url = tmp_path / "pg", pg_cluster.database()
    build_store(url, FILES * PER_FILE)  # type: ignore[arg-type]
    _drop(work / "inbox")
    rng = random.Random(int(os.environ.get("SBO_EDI_KILL_SEED", "26")))  # another seed: another run of kills
    killed = _run_under_fire(work, url, rng, slots=3, kills=8)
    assert killed >= 2  # the drop takes a few seconds: at least two strikes land on it
    time.sleep(float(LEASE) + 0.5)  # the last dead worker's lease ends
    for name in ("finisher-1", "finisher-2"):  # a last pass publishes what a dead worker committed but did not send
        assert _worker(work, url, name).wait(timeout=300) in (0, 1)

    assert list((work / "inbox").iterdir()) == []
    assert len(list((work / "archive").iterdir())) == FILES
    assert not (work / "quarantine").exists() or list((work / "quarantine").iterdir()) == []
    decisions = _decisions(url)
    assert len(decisions) == FILES * PER_FILE == len({d[0] for d in decisions})  # every set once, none twice
    assert decisions == _decisions(str(reference / "store.db"))
    assert _outputs(work) == _outputs(reference)  # every document once, byte for byte, the same names
    conn = open_store(url)
    assert verify_chain(conn) == (FILES * PER_FILE, None)
    assert conn.execute("SELECT count(*) FROM files WHERE state = 'archived'").fetchone()[0] == FILES
    assert conn.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM claims").fetchone()[0] == 0
    shutil.rmtree(tmp_path / "sqlite")
