"""How golden outputs are produced: fixed clock, fixed control numbers, the bundled guides."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from edi.guides.files import validate_file
from edi.times import zone
from edi.x12.acks import AckSettings, CountingControlNumbers

CENTRAL = zone()  # the utility's zone (O8)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "x12"
CASES = ROOT / "fixtures" / "conformance"
EXAMPLE = ROOT / "fixtures" / "example"
GOLDEN_NOW = datetime(2026, 11, 1, 9, 30, tzinfo=CENTRAL)


def golden_settings() -> AckSettings:
    """The clock and numbers every golden acknowledgment was written with."""
    return AckSettings(GOLDEN_NOW, CountingControlNumbers(900000001, 9001))


def golden_outputs(path: Path) -> tuple[str, str]:
    """The acknowledgment text (all interchanges, in order) and the problem codes, one per line."""
    report = validate_file(path.relative_to(ROOT), golden_settings())
    acks = "".join(text for _, text in report.acks)
    codes = "".join(f"{issue.code}\n" for issue in report.issues)
    return acks, codes
