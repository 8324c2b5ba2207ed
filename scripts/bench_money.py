"""The money rows of the benchmark: a billing run of N SBO accounts (810s and 867s), then one 820 of N lines.

    python scripts/bench_money.py --accounts 100000     # or through scripts/benchmark.py (these rows among the rest)

Each measured step runs in its own child process; its peak is that process's own (VmHWM).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.make_example_data import PERIOD_1, PRAIRIE, calendar_lines, remittance, write_jsonl  # noqa: E402

CHILD = """
import json, sys, time
from datetime import datetime
from pathlib import Path
sys.path.insert(0, {root!r})
from edi.store.connection import open_store, transaction
from edi.times import zone
step, db, extra = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
conn = open_store(db)
started = time.perf_counter()
if step == "invoice":
    from edi.flows.outbound import Invoicer
    from datetime import date
    with transaction(conn) as tx:
        invoicer = Invoicer(tx, datetime(2026, 12, 10, 6, tzinfo=zone()), keep_invoices=False, keep_texts=False)
        run = invoicer.run(7, date(2026, 11, 10), date(2026, 12, 9))  # as `sbo-edi invoice` runs it
    done = {{"810": run.originals, "867": run.usage_reports}}
else:
    from edi.flows.inbound import FileProcessor, RunSettings
    run = FileProcessor(conn, RunSettings(datetime(2026, 12, 28, 9, tzinfo=zone()), datetime(2026, 12, 28).date()),
                        keep_reports=False).run(Path(extra))
    applied = conn.execute("SELECT count(*) FROM res_payments WHERE remittance_id IS NOT NULL").fetchone()[0]
    done = {{"outcomes": dict(run.outcomes), "payments": applied}}
seconds = time.perf_counter() - started
status = Path("/proc/self/status").read_text()
peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM")) / 1024
print(json.dumps({{"seconds": seconds, "peak_mb": peak, **done}}))
"""


def _accounts(path: Path, count: int) -> None:
    """``count`` group-7 accounts on SBO with Prairie since June, one electric point each."""
    with open(path, "w", encoding="utf-8") as out:
        for i in range(1, count + 1):
            supply = [{"billing_type": "LDC", "bill_calculator": "LDC", "effective": "2019-06-01"},
                      {"supplier": PRAIRIE[1], "billing_type": "ESP", "bill_calculator": "DUAL",
                       "effective": "2026-06-09", "supplier_account": f"PP-{i:07d}"}]  # fmt: skip
            record = {"number": f"{i:010d}", "status": "active", "customer": {"name": f"CUSTOMER {i}"},
                      "bill_group": 7, "service_points": [{"id": f"E{i}", "commodity": "EL", "rate_class": "DS1",
                                                           "meter": f"M{i}", "supply": supply}]}  # fmt: skip
            out.write(json.dumps(record) + "\n")


def _bills(path: Path, count: int) -> None:
    """Each account's bill of the period: a customer charge and a usage charge."""
    with open(path, "w", encoding="utf-8") as out:
        for i in range(1, count + 1):
            kwh = 400 + i % 600
            usage = (Decimal("0.04321") * kwh).quantize(Decimal("0.01"))
            lines = [
                {
                    "kind": "charge",
                    "code": "CSC001",
                    "description": "CUSTOMER CHARGE",
                    "amount": "15.50",
                    "print_order": 1,
                },
                {
                    "kind": "charge",
                    "code": "DDC001",
                    "description": "DISTRIBUTION DELIVERY CHARGE",
                    "rate": "0.04321",
                    "quantity": str(kwh),
                    "unit": "KH",
                    "amount": str(usage),
                    "print_order": 2,
                },
            ]
            record = {"account": f"{i:010d}", "bill_group": 7, "period_start": PERIOD_1[0].isoformat(),
                      "period_end": PERIOD_1[1].isoformat(),
                      "service_points": [{"id": f"E{i}", "kwh": str(kwh), "lines": lines}]}  # fmt: skip
            out.write(json.dumps(record) + "\n")


def _measure(step: str, db: Path, extra: str = "") -> dict[str, object]:
    args = [sys.executable, "-c", CHILD.format(root=str(ROOT)), step, str(db), extra]
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=ROOT)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def _store(folder: Path, count: int) -> Path:
    db = folder / "money.db"
    cli = [str(Path(sys.executable).parent / "sbo-edi")]
    subprocess.run([*cli, "init", "--db", str(db)], check=True, capture_output=True)
    write_jsonl(folder / "calendar.jsonl", calendar_lines())
    (folder / "suppliers.jsonl").write_text(json.dumps({"duns": PRAIRIE[1], "name": PRAIRIE[0],
                                                        "billing_types": ["DUAL", "ESP"]}) + "\n")  # fmt: skip
    _accounts(folder / "accounts.jsonl", count)
    _bills(folder / "bills.jsonl", count)
    for kind in ("suppliers", "calendar", "accounts"):
        subprocess.run([*cli, kind, "import", str(folder / f"{kind}.jsonl"), "--db", str(db)], check=True,
                       capture_output=True)  # fmt: skip
    subprocess.run([*cli, "bills", "import", str(folder / "bills.jsonl"), "--db", str(db), "--now",
                    "2026-12-09T20:00"], check=True, capture_output=True)  # fmt: skip
    return db


def _remittance(folder: Path, db: Path) -> Path:
    """One 820 paying every 810 of the run in full, a line each."""
    import sqlite3

    conn = sqlite3.connect(db)
    lines = [(n, Decimal(t)) for n, t in conn.execute("SELECT number, period_total FROM invoices ORDER BY number")]
    conn.close()
    path = folder / "remit.edi"
    path.write_text(remittance(7001, "BENCH0001", lines), encoding="ascii")
    return path


def run_money(folder: Path, count: int) -> None:
    """Both rows: the billing run, then the 820."""
    db = _store(folder, count)
    run = _measure("invoice", db)
    print(f"billing {run['seconds']:8.2f} s  {count / float(run['seconds']):10,.0f} accounts/s  {count:,} SBO accounts:"  # type: ignore[arg-type]
          f" {run['810']:,} 810s and {run['867']:,} 867s committed  peak {run['peak_mb']:6.1f} MB")  # fmt: skip
    path = _remittance(folder, db)
    paid = _measure("remit", db, str(path))
    print(f"820     {paid['seconds']:8.2f} s  {count / float(paid['seconds']):10,.0f} lines/s  one 820 of {count:,}"  # type: ignore[arg-type]
          f" lines ({path.stat().st_size / 1e6:.1f} MB): {paid['payments']:,} payments applied  {paid['outcomes']}"
          f"  peak {paid['peak_mb']:6.1f} MB")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sbo-edi-money-") as temp:
        run_money(Path(temp), options.accounts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
