#!/usr/bin/env python3
"""H1 figures: a valid ISA, then N MiB of hostile content, through `validate` and `process`; time and peak RSS.

    python scripts/hostile.py --mb 64            # the issue's case: 64 MiB of `~` and of `X~`, both paths

Each measurement runs in a fresh child process, so its peak memory is its own. The test suite runs the same
measurement on a few MiB.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import json, sys, time
from datetime import date, datetime
from pathlib import Path
sys.path.insert(0, {root!r})
from edi.times import zone
path, kind = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
if kind == "validate":
    from edi.guides.files import validate_file
    from edi.x12.acks import AckSettings, CountingControlNumbers
    report = validate_file(path, AckSettings(datetime(2026, 11, 2, 9, 30, tzinfo=zone()), CountingControlNumbers(1, 1)))
    kept, acks = len(report.issues), [k for k, _ in report.acks]
else:
    from edi.flows.inbound import FileProcessor, RunSettings
    from edi.store.connection import open_store
    conn = open_store(Path(sys.argv[3]))
    run = FileProcessor(conn, RunSettings(datetime(2026, 11, 2, 9, 30, tzinfo=zone()), date(2026, 11, 2))).run(path)
    kept, acks = len(run.issues), [o.kind for o in run.outputs]
seconds = time.perf_counter() - started
# VmHWM is this process image's own peak (ru_maxrss would count the parent's image from before the exec)
status = Path("/proc/self/status").read_text()
peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) / 1024
import resource  # a file of 8 MiB or more is read in a second process (edi/flows/reading.py): its own peak
reader = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, "reader_peak_mb": reader, "kept": kept, "acks": acks}}))
"""


def hostile_file(folder: Path, megabytes: float, filler: str) -> Path:
    """A valid ISA from a registered sender, then ``megabytes`` MiB of ``filler`` repeated."""
    sys.path.insert(0, str(ROOT))
    from scripts.make_example_data import interchange, request

    isa = interchange(501, [request("0001", "H1", "1000000001")]).split("\n")[0] + "\n"
    path = folder / f"hostile-{megabytes}-{len(filler)}.edi"
    with path.open("w", encoding="ascii") as out:
        out.write(isa)
        block = filler * (1024 * 1024 // len(filler))
        for _ in range(int(megabytes)):
            out.write(block)
        out.write(filler * int((megabytes - int(megabytes)) * 1024 * 1024 / len(filler)))
    return path


def measure(path: Path, kind: str, store: Path | None = None) -> dict[str, object]:
    """One measurement in a fresh child process."""
    args = [sys.executable, "-c", CHILD.format(root=str(ROOT)), str(path), kind, str(store or "")]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> int:
    """Measure each filler through each path."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=64.0)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.store_helpers import fresh_store

    with tempfile.TemporaryDirectory(prefix="sbo-edi-hostile-") as temp:
        folder = Path(temp)
        fresh_store(folder).close()
        for filler in ("~", "X~"):
            path = hostile_file(folder, options.mb, filler)
            for kind in ("validate", "process"):
                m = measure(path, kind, folder / "store.db")
                print(f"{options.mb:g} MiB of {filler!r:5} {kind:8} {m['seconds']:7.1f} s  peak {m['peak_mb']:6.1f} MB"
                      f" (reading process {m['reader_peak_mb']:.1f} MB)  problems kept {m['kept']}"
                      f"  acknowledgments {m['acks']}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
