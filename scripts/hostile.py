#!/usr/bin/env python3
"""H1 and I1-I3 figures: hostile shapes through `validate` and `process`, each run's time and peak RSS.

    python scripts/hostile.py --mb 64            # a valid ISA, then 64 MiB of `~` and of `X~`
    python scripts/hostile.py --floods           # 1,000,000 empty groups, a 200,000-set ISA15 T interchange,
                                                 # 20,000 bare ISAs (I1, I2, I3)

Each measurement runs in a fresh child process, so its peak memory is its own. The test suite runs the same
measurement on a few MiB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
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
    run = FileProcessor(conn, RunSettings(datetime(2026, 11, 2, 9, 30, tzinfo=zone()), date(2026, 11, 2)),
                        keep_reports=False).run(path)  # as `process` runs it: counts, no report per set
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


def group_flood(folder: Path, groups: int) -> Path:
    """I1: one interchange from a registered sender holding ``groups`` empty GS/GE pairs."""
    sys.path.insert(0, str(ROOT))
    from scripts.make_example_data import interchange

    isa = interchange(511, []).split("\n")[0] + "\n"
    path = folder / f"groups-{groups}.edi"
    with path.open("w", encoding="ascii") as out:
        out.write(isa)
        for n in range(1, groups + 1):
            out.write(f"GS*GE*222222222*111111111*20261102*0900*{n}*X*004010~\nGE*0*{n}~\n")
        out.write(f"IEA*{groups}*000000511~\n")
    return path


def isa15_t_interchange(folder: Path, sets: int) -> Path:
    """I2: one ISA15 T interchange of ``sets`` enrollment requests, each for an account of the example data."""
    sys.path.insert(0, str(ROOT))
    from scripts.make_example_data import interchange, request

    text = interchange(512, [request(f"{n + 1:04d}", f"T{n}", f"10000000{n % 15 + 1:02d}") for n in range(sets)],
                       usage="T")  # fmt: skip
    path = folder / f"test-{sets}.edi"
    path.write_text(text, encoding="ascii")
    return path


def isa_flood(folder: Path, count: int) -> Path:
    """I3: ``count`` bare ISA segments from a registered sender, no IEA."""
    sys.path.insert(0, str(ROOT))
    from scripts.make_example_data import isa

    path = folder / f"isas-{count}.edi"
    with path.open("w", encoding="ascii") as out:
        for n in range(1, count + 1):
            out.write(isa(600_000 + n, "222222222", ack="1") + "\n")
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
    parser.add_argument("--floods", action="store_true", help="the I1-I3 shapes instead of hostile content")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply the floods' sizes (0.1 for a quick look)")
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.store_helpers import fresh_store

    with tempfile.TemporaryDirectory(prefix="sbo-edi-hostile-") as temp:
        folder = Path(temp)
        fresh_store(folder).close()
        if options.floods:
            return floods(folder, options.scale)
        for filler in ("~", "X~"):
            path = hostile_file(folder, options.mb, filler)
            for kind in ("validate", "process"):
                m = measure(path, kind, folder / "store.db")
                print(f"{options.mb:g} MiB of {filler!r:5} {kind:8} {m['seconds']:7.1f} s  peak {m['peak_mb']:6.1f} MB"
                      f" (reading process {m['reader_peak_mb']:.1f} MB)  problems kept {m['kept']}"
                      f"  acknowledgments {m['acks']}")  # fmt: skip
    return 0


def floods(folder: Path, scale: float) -> int:
    """I1-I3: each flood through each path, with its size, time, peak and what was answered."""
    shapes = [
        ("empty groups", group_flood(folder, int(1_000_000 * scale))),
        ("ISA15 T sets", isa15_t_interchange(folder, int(200_000 * scale))),
        ("bare ISAs", isa_flood(folder, int(20_000 * scale))),
    ]
    for label, path in shapes:
        size = path.stat().st_size / (1 << 20)
        for kind in ("validate", "process"):
            store = folder / f"{path.stem}-{kind}.db"
            shutil.copyfile(folder / "store.db", store)
            m = measure(path, kind, store)
            answers = Counter(str(a) for a in m["acks"])  # type: ignore[attr-defined]
            print(f"{label:13} {size:7.1f} MiB {kind:8} {m['seconds']:7.1f} s  peak {m['peak_mb']:6.1f} MB"
                  f" (reading process {m['reader_peak_mb']:.1f} MB)  problems kept {m['kept']}"
                  f"  answers {dict(answers)}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
