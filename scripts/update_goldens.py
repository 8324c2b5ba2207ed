#!/usr/bin/env python3
"""Rewrite the golden files (X12 acknowledgments and codes, enrollment cases); review the diff before committing."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edi.conformance.cases import load_case, run_case, write_expected  # noqa: E402
from tests.goldens import CASES, FIXTURES, golden_outputs  # noqa: E402


def main() -> None:
    """Write NAME.ack and NAME.codes for every X12 fixture, and expected/ for every enrollment case."""
    for path in sorted(FIXTURES.glob("*/*.edi")):
        ack, codes = golden_outputs(path)
        ack_path, codes_path = path.with_suffix(".ack"), path.with_suffix(".codes")
        if ack:
            ack_path.write_text(ack, encoding="ascii")
        elif ack_path.exists():
            ack_path.unlink()
        codes_path.write_text(codes, encoding="ascii")
        print(f"{path.relative_to(ROOT)}: {codes.strip().replace(chr(10), ' ') or 'clean'}")
    for folder in sorted(p for p in CASES.iterdir() if (p / "case.json").is_file()):
        case = load_case(folder)
        produced = run_case(case, CASES / "reference")
        write_expected(case, produced)
        print(f"{folder.relative_to(ROOT)}: {', '.join(sorted(produced))}")


if __name__ == "__main__":
    main()
