"""Issue 14: the 814 family as Illinois partners send it (each test failed on the code before)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from edi.guides.validator import Validator
from edi.x12.results import SetResult
from rules.enrollment import addressed_elsewhere
from rules.model import EnrollmentRequest
from scripts.make_example_data import interchange, request
from tests.batch_helpers import prepared_store
from tests.goldens import FIXTURES

PARTNER_FILES = ["814_response_n106", "814_request_cpwg_fields", "814_request_historical_usage"]


@pytest.mark.parametrize("name", PARTNER_FILES)
def test_what_partners_send_passes_the_997(name: str) -> None:
    data = (FIXTURES / "good" / f"{name}.edi").read_bytes()
    sets = [e for e in Validator().run(io.BytesIO(data)) if isinstance(e, SetResult)]
    assert sets and all(s.accepted for s in sets), [s.issues for s in sets]


def test_a_request_naming_another_utility_is_rejected_naming_it(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    texas = [s.replace("N1*8S*AMEREN ILLINOIS*1*111111111~", "N1*8S*SHARYLAND*1*1052623364500~")
             for s in request("0001", "TX1", "1000000001")]  # fmt: skip
    source = tmp_path / "texas.edi"
    source.write_text(interchange(811, [texas]))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["replay", str(source), "--db", str(db), "--now", "2026-11-02T09:30",
                                       "--out", str(out)], env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    (response,) = out.glob("*.814")
    text = response.read_text()
    assert "ASI*U*021~" in text and "REF*7G*A13*ADDRESSED TO SHARYLAND (1052623364500), NOT THIS UTILITY~" in text
    assert "ASI*WQ" not in text


def test_the_addressing_check_accepts_our_duns_and_names_any_other() -> None:
    ours = EnrollmentRequest("222222222", "R1", "1000000001", "ESP", "DUAL", utility_duns="111111111")
    assert addressed_elsewhere(ours, "111111111") is None
    other = EnrollmentRequest("222222222", "R1", "1000000001", "ESP", "DUAL", utility_duns="999999999",
                              utility_name="SOME  OTHER   CO")  # fmt: skip
    reason = addressed_elsewhere(other, "111111111")
    assert reason is not None and reason.code == "A13" and "SOME OTHER CO (999999999)" in reason.text
    assert len(reason.text) <= 80


def test_a_historical_usage_request_is_answered_huu(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    out = tmp_path / "out"
    source = FIXTURES / "good" / "814_request_historical_usage.edi"
    data = source.read_text().replace("0123456789", "1000000001")  # an account the example store holds
    (tmp_path / "hu.edi").write_text(data)
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "hu.edi"), "--db", str(db), "--now",
                                       "2026-11-02T09:30", "--out", str(out)], env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "HUU" in result.output and "997 rejected" not in result.output
    (response,) = out.glob("*.814")
    text = response.read_text()
    assert "LIN*1*SH*EL*SH*HU~" in text and "ASI*U*021~" in text
    assert "REF*1P*HUU*HISTORICAL USAGE NOT AVAILABLE~" in text and "REF*7G" not in text
