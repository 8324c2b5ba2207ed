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


def main() -> int:
    """Dispatch on the first argument."""
    what = sys.argv[1] if len(sys.argv) > 1 else "test"
    ensure_env()
    if what == "test":
        return run("python", "-m", "pytest", *sys.argv[2:])
    if what == "demo":
        drop = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "fixtures" / "drop").glob("*.edi"))
        code = run("sbo-edi", "validate", *drop, "--ack-dir", "out/acks", "--now", "2026-11-01T09:30")
        print(f"\nacknowledgments written to {ROOT / 'out' / 'acks'}")
        # Exit 1 only means the example drop holds the bad files it is meant to hold.
        return 0 if code in (0, 1) else code
    if what == "bench":
        return run("python", "scripts/benchmark.py", *sys.argv[2:])
    print(f"unknown command {what!r}: use test, demo or bench", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
