#!/usr/bin/env python3
"""Memory at scale (issue 13): one interchange of N enrollment requests decided and published; peak RSS of each process.

Usage: python scripts/bench_memory.py [--sets 1000000]

The store holds every account the drop names (scripts/benchmark.py's ``build_store``). The file goes through the
path ``process`` takes for it (``FileProcessor`` with the batch's settings, then ``publish_outbox``) in a child
process, so its peak is its own; the batch's intake is left out because it refuses files over 256 MiB (A5), and a
1,000,000-set interchange of these 13-segment requests is 274 MB. Needs about 1.6 GB of disk at a million sets.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.benchmark import build_store, generate  # noqa: E402

RUN = """
import resource, sys, time
from datetime import date, datetime
from pathlib import Path
from edi.batch.logs import configure
from edi.flows.delivery import publish_outbox
from edi.flows.inbound import FileProcessor, RunSettings
from edi.store.connection import open_store
from edi.times import zone
folder = Path(sys.argv[1])
configure(open(folder / "process.log", "w"), as_json=True, level="info")
now = datetime(2026, 11, 2, 9, 30, tzinfo=zone())
conn = open_store(folder / "store.db")
start = time.perf_counter()
run = FileProcessor(conn, RunSettings(now=now, as_of=date(2026, 11, 2)), keep_reports=False).run(folder / "drop.edi")
(folder / "outbox").mkdir()
sent = publish_outbox(conn, folder / "outbox", now)
seconds = time.perf_counter() - start
mine, reader = (resource.getrusage(who).ru_maxrss / 1024 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
accepted = conn.execute("SELECT count(*) FROM outcomes WHERE outcome = 'accepted'").fetchone()[0]
print(f"{seconds:.1f} s, peak {mine:.1f} MB deciding, {reader:.1f} MB reading; {accepted:,} accepted, sent {dict(sent)}")
"""


def main() -> None:
    """Build the store and the drop, then measure the run in its own process."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp)
        build_store(folder / "store.db", args.sets)
        generate(folder / "drop.edi", args.sets)
        size = (folder / "drop.edi").stat().st_size
        print(f"input: one interchange of {args.sets:,} enrollment requests, {size / 1e6:.1f} MB")
        done = subprocess.run([sys.executable, "-c", RUN, str(folder)], cwd=ROOT, capture_output=True, text=True)
        print(f"process  {done.stdout.strip() or done.stderr.strip()[-2000:]}")


if __name__ == "__main__":
    main()
