#!/usr/bin/env python3
"""Benchmark: our read+validate against pyx12 validating the same generated drop. Prints figures; asserts nothing.

Usage: python scripts/benchmark.py [--sets 100000] [--skip-pyx12]
Each engine runs in its own process so that its peak memory (max RSS) is its own.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OURS = """
import json, sys, time
from edi.results import SetResult, InterchangeResult
from edi.validate import Validator
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
from edi.mapdir import assemble_map_dir
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


def generate(path: Path, sets: int) -> None:
    """One interchange, one group, ``sets`` SBO enrollment requests of 13 segments each."""
    with open(path, "w", encoding="ascii") as out:
        out.write("ISA*00*          *00*          *01*222222222      *01*111111111      *261101*0900*U*00401*000000001*0*P*>~\n")
        out.write("GS*GE*222222222*111111111*20261101*0900*1*X*004010~\n")
        for i in range(1, sets + 1):
            st02 = f"{i:09d}"
            out.write(
                f"ST*814*{st02}~\nBGN*13*RES{i:012d}*20261101~\nN1*8S*AMEREN ILLINOIS*1*111111111~\n"
                f"N1*SJ*PRAIRIE POWER LLC*1*222222222~\nN1*8R*CUSTOMER {i}~\nLIN*1*SH*EL*SH*CE~\nASI*7*021~\n"
                f"REF*12*{i:010d}~\nREF*11*PP-{i:06d}~\nREF*BLT*ESP~\nREF*PC*DUAL~\nDTM*150*20261115~\nSE*13*{st02}~\n"
            )
        out.write(f"GE*{sets}*1~\nIEA*1*000000001~\n")


def measure(script: str, path: Path) -> dict[str, float]:
    """Run one engine in a child process; it reports its own timing and peak RSS (Linux: KiB, shown as MB)."""
    wall = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, cwd=ROOT, check=True)
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


def main() -> None:
    """Generate, run both engines, print figures and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sets", type=int, default=100_000)
    parser.add_argument("--skip-pyx12", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "drop.edi"
        generate(path, args.sets)
        size = path.stat().st_size
        segments = args.sets * 13 + 4
        print(f"input: {args.sets:,} enrollment requests, {segments:,} segments, {size / 1e6:.1f} MB")
        ours = measure(OURS, path)
        report("sbo-edi", ours, size, segments)
        if not args.skip_pyx12:
            theirs = measure(PYX12, path)
            report("pyx12", theirs, size, segments)
            print(f"ratio: sbo-edi is {theirs['seconds'] / ours['seconds']:.1f}x pyx12's throughput")


if __name__ == "__main__":
    main()
