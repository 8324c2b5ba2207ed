#!/usr/bin/env python3
"""The outside tester's campaign as the project's own check (issue 11): mutants and kills, with counts.

    python scripts/campaign.py mutants --count 1000000 --seed 1     # in-process mutants of the example drop
    python scripts/campaign.py kills --count 5000 --seed 1          # SIGKILL a batch at random instants

Mutants: every mutant is validated and processed against one store; a traceback, or a transaction set read that
does not get exactly one outcome row, is a failure. Kills: a forked batch is killed at a random instant, run
again to completion, and its store, outbox, archive and quarantine must equal an uninterrupted run's. CI runs a
bounded version of both (tests/test_campaign.py); this runner is for the long campaigns.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edi.batch.processor import BatchProcessor  # noqa: E402
from edi.flows.inbound import FileProcessor, RunSettings  # noqa: E402
from edi.guides.files import validate_file  # noqa: E402
from edi.store.connection import open_store  # noqa: E402
from edi.times import zone  # noqa: E402
from edi.x12.acks import AckSettings, CountingControlNumbers  # noqa: E402
from scripts.make_example_data import DROP  # noqa: E402
from tests.batch_helpers import copy_store, folder_state, folders, prepared_store, settings, store_state  # noqa: E402

NOW, AS_OF = datetime(2026, 11, 2, 9, 30, tzinfo=zone()), date(2026, 11, 2)


@dataclass
class Tally:
    """What a campaign saw."""

    trials: int = 0
    failures: list[str] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)

    def line(self, kind: str, seconds: float) -> str:
        """The closing count."""
        return (f"{kind}: {self.trials} trial(s) in {seconds:.1f} s, {len(self.failures)} failure(s);"
                f" {dict(self.outcomes)}")  # fmt: skip


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to eight random edits: flip, delete, duplicate a run, insert a separator or a stray segment."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randrange(len(out)) if out else 0
        edit = rng.randrange(5)
        if edit == 0 and out:
            out[at] = rng.randrange(256)
        elif edit == 1:
            del out[at : at + rng.randint(1, 40)]
        elif edit == 2:
            out[at:at] = out[at : at + rng.randint(1, 200)]
        elif edit == 3:
            out[at:at] = rng.choice([b"~", b"*", b">", b"\n", b"~~", b"ISA"])
        else:
            out[at:at] = b"REF*ZZ*" + bytes(rng.randrange(48, 58) for _ in range(12)) + b"~"
    return bytes(out)


def fresh_control_numbers(data: bytes, trial: int) -> bytes:
    """Each mutant its own ISA13/IEA02, so that D7's duplicate check does not answer every mutant with TA1 025."""
    number = f"{7_000_000 + trial:09d}".encode()
    data = re.sub(rb"(ISA\*.{86})\d{9}", lambda m: m.group(1) + number, data, flags=re.S)
    return re.sub(rb"IEA\*(\d+)\*\d{9}", lambda m: b"IEA*" + m.group(1) + b"*" + number, data)


def mutants(count: int, seed: int, work: Path) -> Tally:
    """``count`` mutants through validate and process; each set read must get exactly one outcome row."""
    rng, tally = random.Random(seed), Tally()
    seeds = [p.read_bytes() for p in sorted(DROP.glob("*.edi"))]
    conn = open_store(prepared_store(work / "mutants"))
    acks = AckSettings(NOW, CountingControlNumbers(1, 1))
    path = work / "mutant.edi"
    for trial in range(count):
        path.write_bytes(mutate(fresh_control_numbers(rng.choice(seeds), trial), rng))
        tally.trials += 1
        try:
            read = validate_file(path, acks).sets
            before = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0]
            run = FileProcessor(conn, RunSettings(NOW, AS_OF), keep_reports=False).run(path)
            rows = conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] - before
        except Exception:  # a traceback is exactly what the campaign counts
            tally.failures.append(f"mutant {trial}: {traceback.format_exc(limit=3)}")
            continue
        tally.outcomes.update(run.outcomes)
        if rows != read or run.outcomes.total() != read:
            tally.failures.append(f"mutant {trial}: {read} set(s) read, {rows} outcome row(s) stored")
    return tally


def _drop(inbox: Path) -> None:
    for path in sorted(DROP.glob("*.edi")):
        shutil.copy(path, inbox / path.name)
    shutil.copy(DROP / "lakeside_energy_20261102_01.edi", inbox / "zz_resend.edi")


def _results(db: Path, f: Any) -> dict[str, Any]:
    return {"store": store_state(db), "inbox": sorted(os.listdir(f.inbox)), "outbox": folder_state(f.outbox),
            "archive": folder_state(f.archive), "quarantine": folder_state(f.quarantine)}  # fmt: skip


def _batch(db: Path, f: Any) -> Callable[[], None]:
    def run() -> None:
        conn = open_store(db)
        BatchProcessor(conn, f, settings()).run_once()
        conn.close()

    return run


def kills(count: int, seed: int, work: Path) -> Tally:
    """``count`` batches killed at random instants, each finished by a second run and compared."""
    rng, tally = random.Random(seed), Tally()
    template = prepared_store(work / "template")
    reference = copy_store(template, work / "reference")
    f = folders(work / "reference")
    _drop(f.inbox)
    started = time.perf_counter()
    _batch(reference, f)()
    duration, expected = time.perf_counter() - started, _results(reference, f)
    for trial in range(count):
        folder = work / f"k{trial}"
        db, trial_folders = copy_store(template, folder), folders(folder)
        _drop(trial_folders.inbox)
        pid = os.fork()
        if pid == 0:
            try:
                _batch(db, trial_folders)()
            finally:
                os._exit(0)
        time.sleep(rng.uniform(0, duration * 1.5))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        tally.outcomes["killed mid-run" if os.WIFSIGNALED(status) else "finished before the kill"] += 1
        _batch(db, trial_folders)()
        tally.trials += 1
        if _results(db, trial_folders) != expected:
            tally.failures.append(f"kill {trial}: the finished run differs from the uninterrupted one")
        shutil.rmtree(folder)
    return tally


def main() -> int:
    """Run one campaign and print its counts; exit 1 on any failure."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["mutants", "kills"])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    options = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sbo-edi-campaign-") as work:
        tally = (mutants if options.kind == "mutants" else kills)(options.count, options.seed, Path(work))
    print(tally.line(options.kind, time.perf_counter() - started))
    for failure in tally.failures[:20]:
        print(failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
