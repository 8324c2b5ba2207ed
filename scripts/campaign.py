#!/usr/bin/env python3
"""The outside tester's campaign as the project's own check (issue 11): mutants and kills, with counts.

    python scripts/campaign.py mutants --count 1000000 --seed 1     # in-process mutants of the example drop
    python scripts/campaign.py kills --count 5000 --seed 1          # SIGKILL a batch at random instants
    python scripts/campaign.py kills --count 500 --per-trial 3 --shapes     # three kills a trial, with the floods
    python scripts/campaign.py kills --count 500 --early            # kills in the first 20 ms of a batch (I5)

Mutants: every mutant is validated and processed against one store; a traceback, or a transaction set read that
does not get exactly one outcome row, is a failure. Kills: a forked batch is killed at a random instant, run
again to completion, and its store, outbox, archive and quarantine must equal an uninterrupted run's. ``--shapes``
adds the hostile shapes of the second campaign to the drop (a group flood, a file of bare ISAs, an ISA15 T
interchange, an unregistered sender: I1-I4); ``--per-trial`` kills a trial's batch several times before the run
that finishes it; ``--early`` kills within the first 20 ms (I5). CI runs a bounded version of each
(tests/test_campaign.py); this runner is for the long campaigns.
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
from edi.x12.problems import MAX_ENVELOPE_ANSWERS, MAX_GROUPS  # noqa: E402
from scripts.hostile import group_flood, isa15_t_interchange, isa_flood  # noqa: E402
from scripts.make_example_data import DROP, interchange, request  # noqa: E402
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


def _drop(inbox: Path, shapes: bool = False) -> None:
    for path in sorted(DROP.glob("*.edi")):
        shutil.copy(path, inbox / path.name)
    shutil.copy(DROP / "lakeside_energy_20261102_01.edi", inbox / "zz_resend.edi")
    if shapes:  # the second campaign's shapes (I1-I4), small enough for many trials
        group_flood(inbox, MAX_GROUPS + 50).rename(inbox / "s1_groups.edi")
        isa_flood(inbox, MAX_ENVELOPE_ANSWERS + 20).rename(inbox / "s2_isas.edi")
        isa15_t_interchange(inbox, 300).rename(inbox / "s3_test.edi")
        stranger = ("STRANGER ENERGY", "999999999")
        sets = [request("0001", "S1", "1000000002", supplier=stranger)]
        (inbox / "s4_stranger.edi").write_text(interchange(451, sets, sender=stranger))


def _results(db: Path, f: Any) -> dict[str, Any]:
    return {"store": store_state(db), "inbox": sorted(os.listdir(f.inbox)), "outbox": folder_state(f.outbox),
            "archive": folder_state(f.archive), "quarantine": folder_state(f.quarantine)}  # fmt: skip


def _batch(db: Path, f: Any) -> Callable[[], None]:
    def run() -> None:
        conn = open_store(db)
        BatchProcessor(conn, f, settings()).run_once()
        conn.close()

    return run


@dataclass(frozen=True)
class KillPlan:
    """How a kill campaign kills: how many times a trial, how early, over which drop."""

    per_trial: int = 1
    early: bool = False  # within the first 20 ms of each batch, before most files' reading begins (I5)
    shapes: bool = False


def _kill_once(db: Path, f: Any, rng: random.Random, duration: float, plan: KillPlan) -> bool:
    """One batch forked and SIGKILLed at a random instant; True when it died mid-run."""
    pid = os.fork()
    if pid == 0:
        try:
            _batch(db, f)()
        finally:
            os._exit(0)
    time.sleep(rng.uniform(0, 0.02) if plan.early else rng.uniform(0, duration * 1.5))
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.WIFSIGNALED(status)


def kills(count: int, seed: int, work: Path, plan: KillPlan = KillPlan()) -> Tally:
    """``count`` batches killed at random instants, each finished by a last run and compared."""
    rng, tally = random.Random(seed), Tally()
    template = prepared_store(work / "template")
    reference = copy_store(template, work / "reference")
    f = folders(work / "reference")
    _drop(f.inbox, plan.shapes)
    started = time.perf_counter()
    _batch(reference, f)()
    duration, expected = time.perf_counter() - started, _results(reference, f)
    for trial in range(count):
        folder = work / f"k{trial}"
        db, trial_folders = copy_store(template, folder), folders(folder)
        _drop(trial_folders.inbox, plan.shapes)
        for _ in range(plan.per_trial):
            died = _kill_once(db, trial_folders, rng, duration, plan)
            tally.outcomes["killed mid-run" if died else "finished before the kill"] += 1
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
    parser.add_argument("--per-trial", type=int, default=1, help="kills: SIGKILLs of each trial's batch")
    parser.add_argument("--early", action="store_true", help="kills: within the first 20 ms of a batch (I5)")
    parser.add_argument("--shapes", action="store_true", help="kills: add the I1-I4 shapes to the drop")
    options = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sbo-edi-campaign-") as work:
        if options.kind == "mutants":
            tally = mutants(options.count, options.seed, Path(work))
        else:
            plan = KillPlan(options.per_trial, options.early, options.shapes)
            tally = kills(options.count, options.seed, Path(work), plan)
    print(tally.line(options.kind, time.perf_counter() - started))
    for failure in tally.failures[:20]:
        print(failure)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
