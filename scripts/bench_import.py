"""The snapshot-import rows of the benchmark: `sbo-edi accounts import` on generated snapshots, in a child process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

IMPORT = """
import json, resource, sys, time
from pathlib import Path
from edi.store.connection import open_store
from edi.store.snapshot import import_accounts
conn = open_store(Path(sys.argv[2]))
start = time.perf_counter()
loaded = import_accounts(conn, Path(sys.argv[1]))
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "loaded": loaded,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _history(i: int) -> dict[str, list[dict[str, str]]]:
    """Twelve monthly bills and twelve payments, as a billing system's snapshot carries them."""
    bills, payments = [], []
    for m in range(1, 13):
        amount = f"{60 + (i + m) % 90}.{m:02d}"
        bills.append({"period_start": f"2025-{m:02d}-01", "period_end": f"2025-{m:02d}-28",
                      "bill_date": f"2025-{m:02d}-28", "due_date": f"2025-{m:02d}-28", "amount": amount,
                      "kwh": str(400 + m), "therms": "0"})  # fmt: skip
        payments.append({"date": f"2025-{m:02d}-20", "amount": amount, "method": "check"})
    return {"bills": bills, "payments": payments}


def snapshot(path: Path, accounts: int, *, history: bool) -> None:
    """An accounts snapshot with variety (gas points, budget plans, past due), with or without history."""
    with open(path, "w", encoding="utf-8") as out:
        for i in range(1, accounts + 1):
            number = f"{i:010d}"
            points = [
                {
                    "id": f"E{i}",
                    "commodity": "EL",
                    "rate_class": "DS1",
                    "meter": f"M{i}",
                    "supply": [{"billing_type": "LDC", "bill_calculator": "LDC", "effective": "2019-06-01"}],
                }
            ]
            if i % 13 == 0:
                points.append({"id": f"G{i}", "commodity": "GAS", "rate_class": "GDS1"})
            record: dict[str, object] = {"number": number, "status": "active",
                                         "customer": {"name": f"CUSTOMER {i}", "street": f"{i} MAIN ST",
                                                      "city": "PEORIA", "state": "IL", "zip": "61602"},
                                         "bill_group": 1 + i % 21, "balance": "67.73", "due_date": "2026-11-24",
                                         "service_points": points}  # fmt: skip
            if i % 17 == 0:
                record["past_due"] = [{"amount": "12.34", "due_date": "2026-10-01"}]
            if i % 10 == 0:
                periods = [{"period_end": f"2026-{m:02d}-28", "billed": "90.00", "paid": "90.00", "actual": "81.15"}
                           for m in range(1, 11)]  # fmt: skip
                record["budget"] = {"monthly_amount": "90.00", "start": "2026-01-01", "periods": periods}
            if history:
                record.update(_history(i))
            out.write(json.dumps(record, separators=(",", ":")) + "\n")


def run_import(folder: Path, accounts: int, *, history: bool) -> None:
    """One import row: a fresh store, the generated snapshot, the import timed in its own process."""
    path, db = folder / f"accounts-{int(history)}.jsonl", folder / f"import-{int(history)}.db"
    snapshot(path, accounts, history=history)
    done = subprocess.run([sys.executable, "-c", IMPORT, str(path), str(db)], cwd=ROOT, capture_output=True,
                          text=True, check=True)  # fmt: skip
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    what = "with 12 bills + 12 payments each" if history else "no history"
    size = path.stat().st_size / 1e6
    print(f"{'import':<8} {figures['seconds']:8.2f} s  {figures['loaded'] / figures['seconds']:10,.0f} accounts/s"
          f"  {figures['loaded']:,} accounts, {what} ({size:.0f} MB)  peak {figures['peak_mb']:6.1f} MB")  # fmt: skip
    path.unlink()
    db.unlink()
