"""Every X12 fixture against its golden acknowledgment and problem codes, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.goldens import FIXTURES, golden_outputs

CASES = sorted(FIXTURES.glob("*/*.edi"))


def test_fixture_folders_are_not_empty() -> None:
    assert len(list(FIXTURES.glob("good/*.edi"))) >= 6
    assert len(list(FIXTURES.glob("bad/*.edi"))) >= 30


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_golden(path: Path) -> None:
    ack, codes = golden_outputs(path)
    assert codes == path.with_suffix(".codes").read_text(encoding="ascii")
    golden_ack = path.with_suffix(".ack")
    if golden_ack.exists():
        assert ack == golden_ack.read_text(encoding="ascii")
    else:
        assert ack == ""


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("good/*.edi")), ids=lambda p: p.stem)
def test_good_files_are_clean_and_fully_accepted(path: Path) -> None:
    ack, codes = golden_outputs(path)
    assert codes == ""
    assert "AK5*R" not in ack and "AK9*A*" in ack


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("bad/*.edi")), ids=lambda p: p.stem)
def test_bad_files_report_problems(path: Path) -> None:
    _, codes = golden_outputs(path)
    assert codes != ""


def test_pyx12_crashers_are_covered() -> None:
    """The inputs on which pyx12 crashes, stops or goes silent (docs/codes.md, reliability cases) are fixtures here."""
    names = {p.stem for p in CASES}
    assert {
        "isa_not_106_bytes",
        "non_ascii_byte",
        "empty_segment_mid_file",
        "unknown_transaction_set",
        "stray_se_outside_set",
        "binary_garbage",
        "empty",
    } <= names
