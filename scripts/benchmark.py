#!/usr/bin/env python3
"""Benchmark: seven rows in one run. Prints figures; asserts nothing.

1. `validate`: our read+validate of a generated drop; 2. pyx12 validating the same file (and the ratio);
3. `process` end to end on the same drop against a store holding every account it names (read, validate,
decide, store, respond, publish, archive; JSON logs to a file); 4. `accounts import` of a snapshot without
history (1,200,000 accounts by default); 5. the same with 12 bills and 12 payments per account; 6. a billing run
of 100,000 SBO accounts (810s and 867s, scripts/bench_money.py); 7. one 820 of 100,000 lines paying them.

Usage: python scripts/benchmark.py [--sets 100000] [--accounts 1200000] [--history-accounts 100000]
                                   [--skip-pyx12] [--skip-end-to-end] [--skip-import] [--skip-money]
                                   [--money-accounts 100000] [--profile FILE]
Each measurement runs in its own process so that its peak memory (max RSS) is its own. ``--profile FILE``
writes a cProfile of the `process` run (read it with ``python -m pstats FILE``). Memory at a million sets in one
interchange has its own script, scripts/bench_memory.py (the file is over the batch's 256 MiB intake limit).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_import import run_import  # noqa: E402
from scripts.bench_money import run_money  # noqa: E402

OURS = """
import json, sys, time
from edi.x12.results import SetResult, InterchangeResult
from edi.guides.validator import Validator
start = time.perf_counter()
sets = accepted = 0
with open(sys.argv[1], "rb") as stream:
    for event in Validator().run(stream):
        if isinstance(event, SetResult):
            sets += 1
            accepted += event.accepted
import resource
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": time.perf_counter() - start, "sets": sets, "accepted": accepted, "peak_mb": peak}))
"""

PYX12 = """
import io, json, logging, sys, time
import pyx12.params, pyx12.x12n_document
from edi.guides.mapdir import assemble_map_dir
logging.getLogger("pyx12").setLevel(logging.CRITICAL)
folder = str(assemble_map_dir())
start = time.perf_counter()
out = io.StringIO()
ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), sys.argv[1], out, None, map_path=folder)
seconds = time.perf_counter() - start
import resource
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "sets": out.getvalue().count("AK2*"), "accepted": out.getvalue().count("AK5*A"), "peak_mb": peak}))
"""


END_TO_END = """
import json, sys, time, resource
from cli import main
start = time.perf_counter()
try:
    main(["process", "--inbox", sys.argv[1], "--outbox", sys.argv[2], "--db", sys.argv[3], "--settle", "0",
          "--now", "2026-11-02T09:30", "--json"], standalone_mode=False)
except SystemExit:
    pass
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the reading process (edi/flows/reading.py)
print(json.dumps({"seconds": seconds, "peak_mb": peak, "reader_peak_mb": reader}))
"""


def build_store(db: Path, sets: int) -> None:
    """Every account the drop names, with variety: budget plans, arrears, summary billing, gas with Direct Pay."""
    from edi.store.connection import open_store, transaction
    from edi.store.snapshot import import_calendar, import_suppliers

    conn = open_store(db)
    import_suppliers(conn, ROOT / "fixtures" / "example" / "suppliers.jsonl")
    import_calendar(conn, ROOT / "fixtures" / "example" / "calendar.jsonl")
    with transaction(conn):
        for i in range(1, sets + 1):
            n = f"{i:010d}"
            past_due = i % 17 == 0
            conn.execute(
                "INSERT INTO accounts (number, status, customer_name, bill_group, summary_group, direct_pay,"
                " direct_pay_bank) VALUES (?, 'active', ?, ?, ?, ?, ?)",
                (
                    n,
                    f"CUSTOMER {i}",
                    1 + i % 21,
                    "SUM-1" if i % 11 == 0 else None,
                    int(i % 13 == 0),
                    "1234" if i % 13 == 0 else "",
                ),
            )
            conn.execute("INSERT INTO service_points VALUES (?, ?, 'EL', 'DS1', '')", (f"E{i}", n))
            if i % 13 == 0:
                conn.execute("INSERT INTO service_points VALUES (?, ?, 'GAS', 'GDS1', '')", (f"G{i}", n))
            if past_due:
                conn.execute("INSERT INTO past_due VALUES (?, '12.34', '2026-10-01')", (n,))
            if i % 10 == 0:
                conn.execute(
                    "INSERT INTO budget_plans (account_number, monthly_amount, start_date) VALUES"
                    " (?, '90.00', '2026-01-01')",
                    (n,),
                )
                conn.executemany(
                    "INSERT INTO budget_periods VALUES (?, ?, '90.00', '90.00', ?)",
                    [(n, f"2026-{m:02d}-28", f"{80 + m}.15") for m in range(1, 11)],
                )
    conn.close()


def generate(path: Path, sets: int, first: int = 1, isa13: int = 1) -> None:
    """One interchange, one group, ``sets`` SBO enrollment requests of 13 segments each, for accounts from ``first``."""
    with open(path, "w", encoding="ascii") as out:
        out.write(
            "ISA*00*          *00*          *01*222222222      *01*111111111      *261101*0900*U*00401*"
            f"{isa13:09d}*0*P*>~\n"
        )
        out.write("GS*GE*222222222*111111111*20261101*0900*1*X*004010~\n")
        for i in range(first, first + sets):
            st02 = f"{i:09d}"
            out.write(
                f"ST*814*{st02}~\nBGN*13*RES{i:012d}*20261101~\nN1*8S*AMEREN ILLINOIS*1*111111111~\n"
                f"N1*SJ*PRAIRIE POWER LLC*1*222222222~\nN1*8R*CUSTOMER {i}~\nLIN*1*SH*EL*SH*CE~\nASI*7*021~\n"
                f"REF*12*{i:010d}~\nREF*11*PP-{i:06d}~\nREF*BLT*ESP~\nREF*PC*DUAL~\nDTM*150*20261115~\nSE*13*{st02}~\n"
            )
        out.write(f"GE*{sets}*1~\nIEA*1*{isa13:09d}~\n")


def measure(script: str, path: Path) -> dict[str, float]:
    """Run one engine in a child process; it reports its own timing and peak RSS (Linux: KiB, shown as MB)."""
    wall = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT, check=True
    )
    wall = time.perf_counter() - wall
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall"] = wall
    return result


def report(name: str, figures: dict[str, float], size: int, segments: int) -> None:
    """One line of figures."""
    seconds = figures["seconds"]
    print(
        f"{name:<8} {seconds:8.2f} s  {figures['sets'] / seconds:10,.0f} sets/s  {segments / seconds:10,.0f} segments/s  "
        f"{size / seconds / 1e6:6.2f} MB/s  peak {figures['peak_mb']:6.1f} MB  "
        f"({int(figures['accepted']):,} of {int(figures['sets']):,} sets accepted)"
    )


def run_end_to_end(folder: Path, drop: Path, sets: int, profile: Path | None = None) -> float:
    """Store with every account, the drop in an inbox, `sbo-edi process` in its own process; prints figures."""
    db, inbox, outbox = folder / "store.db", folder / "inbox", folder / "outbox"
    inbox.mkdir()
    build_store(db, sets)
    drop.rename(inbox / "drop.edi")
    script = folder / "end_to_end.py"
    script.write_text(f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n{END_TO_END}")
    profiler = ["-m", "cProfile", "-o", str(profile.resolve())] if profile else []
    wall = time.perf_counter()
    with open(folder / "process.log", "w") as log:
        done = subprocess.run(
            [sys.executable, *profiler, str(script), str(inbox), str(outbox), str(db)],
            cwd=ROOT,
            env={**os.environ, "SBO_EDI_INLINE": "1"},  # the batch in the measured process: its own peak and profile
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            check=True,
        )
    wall = time.perf_counter() - wall
    lines = done.stdout.strip().splitlines()
    summary, figures = json.loads(lines[-2]), json.loads(lines[-1])
    seconds = figures["seconds"]
    print(
        f"{'process':<8} {seconds:8.2f} s  {summary['transactions'] / seconds:10,.0f} sets/s  end to end (read,"
        f" validate, decide, store, respond)  peak {figures['peak_mb']:6.1f} MB, reading process"
        f" {figures['reader_peak_mb']:.1f} MB  ({summary['accepted']:,} accepted,"
        f" rejected {summary['rejected_by_code']}, documents {summary['documents_sent']})"
    )
    drop_back = inbox.parent / "archive"
    archived = next(drop_back.glob("*.x12"))
    archived.rename(drop)  # pyx12 reads the same bytes next
    return seconds


def _drop_of_files(inbox: Path, files: int, sets: int) -> None:
    """``sets`` requests in ``files`` files (disjoint accounts, one interchange each)."""
    inbox.mkdir(parents=True)
    per = sets // files
    for k in range(files):
        generate(inbox / f"drop_{k:04d}.edi", per, first=k * per + 1, isa13=k + 1)


def run_workers(folder: Path, target: str, label: str, files: int, sets: int, workers: int) -> float:
    """``workers`` ``process --watch`` workers on one drop of many files; seconds until the inbox is empty."""
    build_store(target, sets)  # type: ignore[arg-type]
    inbox = folder / "inbox"
    _drop_of_files(inbox, files, sets)
    command = [sys.executable, "-c", "from cli import main; main()", "process", "--inbox", str(inbox), "--outbox",
               str(folder / "outbox"), "--db", target, "--settle", "0", "--now", "2026-11-02T09:30", "--watch",
               "--interval", "0.2", "-q"]  # fmt: skip
    start = time.perf_counter()
    running = [subprocess.Popen([*command, "--worker", f"bench-{n}"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for n in range(workers)]  # fmt: skip
    while any(inbox.iterdir()):
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    for worker in running:
        worker.terminate()
        worker.wait()
    archived = len(list((folder / "archive").iterdir()))
    print(f"{label:<8} {seconds:8.2f} s  {sets / seconds:10,.0f} sets/s  {workers} worker(s), {files} files of"
          f" {sets // files:,} sets ({archived} archived)")  # fmt: skip
    return seconds


def run_engines(folder: Path, sets: int, files: int) -> None:
    """The same drop of many files: one SQLite worker, one and two PostgreSQL workers (a throwaway server)."""
    sys.path.insert(0, str(ROOT))
    from tests.pg import Cluster

    run_workers(folder / "sqlite", str(folder / "sqlite" / "store.db"), "sqlite", files, sets, 1)
    cluster = Cluster()
    try:
        cluster.start()
        one = run_workers(folder / "pg1", cluster.database(), "pg x1", files, sets, 1)
        two = run_workers(folder / "pg2", cluster.database(), "pg x2", files, sets, 2)
        print(f"two PostgreSQL workers: {one / two:.2f}x the throughput of one (D17: writes one at a time)")
    finally:
        cluster.stop()


def main() -> None:
    """Generate, run both engines, print figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--skip-pyx12", action="store_true")
    parser.add_argument("--skip-end-to-end", action="store_true")
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument("--skip-money", action="store_true", help="skip the billing run and 820 rows")
    parser.add_argument("--money-accounts", type=int, default=100_000, help="SBO accounts billed, 820 lines paid")
    parser.add_argument("--accounts", type=int, default=1_200_000, help="accounts in the no-history snapshot")
    parser.add_argument("--history-accounts", type=int, default=100_000, help="accounts with 12 bills + payments")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the process run here")
    parser.add_argument("--skip-engines", action="store_true", help="skip SQLite vs PostgreSQL workers")
    parser.add_argument("--files", type=int, default=50, help="files the engines' drop is split into")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drop.edi"
        generate(path, args.sets)
        size = path.stat().st_size
        segments = args.sets * 13 + 4
        print(f"input: {args.sets:,} enrollment requests, {segments:,} segments, {size / 1e6:.1f} MB")
        ours = measure(OURS, path)
        report("sbo-edi", ours, size, segments)
        end_to_end = None
        if not args.skip_end_to_end:
            end_to_end = run_end_to_end(Path(folder), path, args.sets, args.profile)
        if not args.skip_pyx12:
            theirs = measure(PYX12, path)
            report("pyx12", theirs, size, segments)
            print(f"ratio: sbo-edi is {theirs['seconds'] / ours['seconds']:.1f}x pyx12's throughput")
            if end_to_end is not None:
                print(
                    f"end to end: sbo-edi processes the drop {theirs['seconds'] / end_to_end:.1f}x faster than"
                    " pyx12 merely validates it"
                )
        if not args.skip_import:
            run_import(Path(folder), args.accounts, history=False)
            run_import(Path(folder), args.history_accounts, history=True)
        if not args.skip_money:
            money = Path(folder) / "money"
            money.mkdir()
            run_money(money, args.money_accounts)
        if not args.skip_engines:
            run_engines(Path(folder) / "engines", args.sets, args.files)


if __name__ == "__main__":
    main()
