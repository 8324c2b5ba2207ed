#!/usr/bin/env python3
"""Rewrite the golden acknowledgments and problem codes beside each X12 fixture; review the diff before committing."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.goldens import FIXTURES, golden_outputs  # noqa: E402


def main() -> None:
    """Write NAME.ack (when acknowledgments are sent) and NAME.codes for every fixture."""
    for path in sorted(FIXTURES.glob("*/*.edi")):
        ack, codes = golden_outputs(path)
        ack_path, codes_path = path.with_suffix(".ack"), path.with_suffix(".codes")
        if ack:
            ack_path.write_text(ack, encoding="ascii")
        elif ack_path.exists():
            ack_path.unlink()
        codes_path.write_text(codes, encoding="ascii")
        print(f"{path.relative_to(ROOT)}: {codes.strip().replace(chr(10), ' ') or 'clean'}")


if __name__ == "__main__":
    main()
