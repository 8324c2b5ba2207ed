#!/usr/bin/env python3
"""Set everything up in .venv and run the tests or the example job: `python3 scripts/dev.py test|demo`."""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def ensure_env() -> None:
    """Create .venv and install the project with its test extras (quietly, every time: pip is fast when done)."""
    if not (BIN / "python").exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, "-e", f"{ROOT}[test]"], check=True, cwd=ROOT)


def run(*args: str) -> int:
    """Run a command from .venv/bin inside the repository."""
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=ROOT).returncode


DEMO_NOW = "2026-11-02T09:30"  # the example data's processing date (scripts/make_example_data.py)


def demo(store: str = "out/demo/store.db") -> int:
    """A fresh store in out/demo/ (or ``--db postgresql://...``, an empty database), the example drop end to end."""
    import shutil

    demo_dir = ROOT / "out" / "demo"
    shutil.rmtree(demo_dir, ignore_errors=True)
    inbox = demo_dir / "inbox"
    inbox.mkdir(parents=True)
    for path in sorted((ROOT / "fixtures" / "drop").glob("*.edi")):
        shutil.copy(path, inbox / path.name)
    db = ["--db", store]
    example = Path("fixtures") / "example"
    if run("sbo-edi", "init", *db) != 0:
        return 1
    for kind in ("suppliers", "calendar", "accounts"):
        if run("sbo-edi", kind, "import", str(example / f"{kind}.jsonl"), *db) != 0:
            return 1
    print("\n== sbo-edi process (logs: out/demo/process.log)")
    with open(demo_dir / "process.log", "w") as log:
        code = subprocess.run(
            [
                str(BIN / "sbo-edi"),
                "process",
                "--inbox",
                "out/demo/inbox",
                "--outbox",
                "out/demo/outbox",
                *db,
                "--settle",
                "0",
                "--now",
                DEMO_NOW,
            ],
            cwd=ROOT,
            stderr=log,
        ).returncode
    if code != 0:
        return code
    print("\n== sbo-edi accounts final 1000000014: the account just switched to Prairie finals (D9)")
    if run("sbo-edi", "accounts", "final", "1000000014", "--date", "2026-11-20", *db, "--now", "2026-11-03T08:00"):
        return 1
    publish = ["process", "--inbox", "out/demo/inbox", "--outbox", "out/demo/outbox", *db, "--now", "2026-11-03T08:05"]
    with open(demo_dir / "process.log", "a") as log:  # the next run publishes the drop notice it owes Prairie
        if subprocess.run([str(BIN / "sbo-edi"), *publish, "-q"], cwd=ROOT, stderr=log).returncode:
            return 1
    print("\n== sbo-edi invoice: bill group 7, the first period after the enrollments")
    bills = example / "bills.g07.2026-11-10_2026-12-09.jsonl"
    if run("sbo-edi", "bills", "import", str(bills), *db, "--now", "2026-12-09T20:00") != 0:
        return 1
    run(
        "sbo-edi",
        "invoice",
        "--group",
        "7",
        "--period",
        "2026-11-10:2026-12-09",
        *db,
        "--out",
        "out/demo/outbox",
        "--direct-bills",
        "out/demo/direct-bills",
        "--now",
        "2026-12-10T06:00",
    )
    if demo_money(db) != 0:
        return 1
    print("\n== sbo-edi explain RES202611021011 (one transaction's whole path)")
    run("sbo-edi", "explain", "RES202611021011", *db)
    print("\n== sbo-edi accounts show 1000000011 (every SBO side effect: R1, R2, R4, R5, R6)")
    run("sbo-edi", "accounts", "show", "1000000011", *db, "--as-of", DEMO_NOW[:10])
    print("\n== the rest of the 814 family: a drop (D8), a switch and a final (D9), a cancel (D10), a change (D11)")
    for number in ("1000000013", "1000000014", "1000000001", "1000000015"):
        run("sbo-edi", "accounts", "show", number, *db, "--as-of", DEMO_NOW[:10])
    print(f"\nstore, inbox, outbox, archive, quarantine and the log are in {demo_dir}")
    return 0


MONEY = """
import sys
from decimal import Decimal
sys.path.insert(0, ".")
from edi.store.connection import open_store
from scripts.make_example_data import advice, remittance
conn = open_store(sys.argv[1], create=False)
rows = conn.execute("SELECT number, period_total, account_number FROM invoices WHERE supplier_duns = '222222222'"
                    " AND purpose = '00' ORDER BY number").fetchall()
lines = [(n, Decimal(t) - (Decimal("10.00") if i == 0 else Decimal("0"))) for i, (n, t, _) in enumerate(rows[:-1])]
with open("out/demo/inbox/prairie_bank_820.edi", "w") as out:
    out.write(remittance(9001, "DEMO00001", lines))
with open("out/demo/inbox/prairie_824.edi", "w") as out:
    out.write(advice(9002, "DEMOADV01", rows[-1][2], [("TR", rows[-1][0], "A13", "USAGE DOES NOT MATCH OUR METER")]))
"""


def demo_money(db: list[str]) -> int:
    """D13, D14: Prairie's bank pays all but its last 810 (the first one 10.00 short); Prairie rejects the last."""
    print("\n== an 820 paying Prairie's 810s (the first short by 10.00, the last not at all) and an 824 rejecting it")
    if run("python", "-c", MONEY, db[1]) != 0:
        return 1
    publish = [
        "process",
        "--inbox",
        "out/demo/inbox",
        "--outbox",
        "out/demo/outbox",
        *db,
        "--now",
        "2026-12-28T09:00",
        "--settle",
        "0",
    ]
    with open(ROOT / "out" / "demo" / "process.log", "a") as log:
        if subprocess.run([str(BIN / "sbo-edi"), *publish, "-q"], cwd=ROOT, stderr=log).returncode:
            return 1
    run("sbo-edi", "status", *db, "--now", "2026-12-28T09:05")  # exit 1: the short line and the 824 need a person
    return 0


def main() -> int:
    """Dispatch on the first argument."""
    what = sys.argv[1] if len(sys.argv) > 1 else "test"
    ensure_env()
    if what == "test":
        return run("python", "-m", "pytest", *sys.argv[2:])
    if what == "demo":
        return demo(*(sys.argv[3:4] if sys.argv[2:3] == ["--db"] else []))
    if what == "bench":
        return run("python", "scripts/benchmark.py", *sys.argv[2:])
    print(f"unknown command {what!r}: use test, demo or bench", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
