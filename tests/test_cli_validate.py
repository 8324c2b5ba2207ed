"""`sbo-edi validate` as a user runs it: exit codes, JSON, acknowledgments on disk, clear messages."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli import main
from tests.goldens import FIXTURES

NOW = ["--now", "2026-11-01T09:30", "--first-control-number", "5"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["validate", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_good_files_exit_0_and_write_a_997_with_ak5_a_per_set(tmp_path: Path) -> None:
    files = [str(p) for p in sorted(FIXTURES.glob("good/*.edi"))]
    code, out = run(*files, "--ack-dir", str(tmp_path), *NOW)
    assert code == 0, out
    acks = sorted(tmp_path.iterdir())
    assert len(acks) == len(files)
    batch = (tmp_path / "814_batch_three_sets.1.997").read_text()
    assert batch.count("AK5*A") == 3 and "GS*FA*" in batch and "*X*004010~" in batch


def test_every_bad_file_exits_1(tmp_path: Path) -> None:
    for path in sorted(FIXTURES.glob("bad/*.edi")):
        code, out = run(str(path), "--ack-dir", str(tmp_path), *NOW)
        assert code == 1, (path.name, out)
        assert "Traceback" not in out


def test_ack_dir_files_match_the_golden(tmp_path: Path) -> None:
    path = FIXTURES / "bad" / "partial_group.edi"
    code, _ = run(str(path), "--ack-dir", str(tmp_path), "--now", "2026-11-01T09:30", "--first-control-number", "9001")
    assert code == 1
    written = (tmp_path / "partial_group.1.997").read_text()
    golden = path.with_suffix(".ack").read_text()
    # The golden was written with ISA13 900000001 and GS06 9001; here both counters start at 9001.
    assert written.replace("000009001", "900000001") == golden


def test_json_output_lists_problems_with_positions() -> None:
    code, out = run(str(FIXTURES / "bad" / "invalid_code.edi"), "--json", *NOW)
    assert code == 1
    report = json.loads(out)
    problem = report["problems"][0]
    assert problem["code"] == "AK4:7" and problem["segment_number"] == 12
    assert problem["isa13"] == "000000101" and problem["gs06"] == "101" and problem["st02"] == "0001"
    assert problem["element"] == "REF02"


def test_unreadable_and_missing_inputs_get_a_message(tmp_path: Path) -> None:
    code, out = run(str(tmp_path / "nope.edi"), str(tmp_path))
    assert code == 1
    assert out.count("FILE:UNREADABLE") == 2


def test_usage_errors_exit_2() -> None:
    assert run()[0] == 2
    assert run(str(FIXTURES / "good" / "814_request_sbo.edi"), "--now", "yesterday")[0] == 2
