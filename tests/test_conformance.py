"""Conformance runs: the built-in suite passes, a broken expectation fails readably, reports have the right shape."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from lxml import html as lxml_html

from cli import main
from edi.conformance.cases import load_case
from edi.conformance.reports import html_report, junit_xml, terminal_lines
from edi.conformance.suite import diff_text, run_one, run_suite
from edi.times import zone
from tests.goldens import CASES

CENTRAL = zone()  # the utility's zone (O8)

REFERENCE = CASES / "reference"
WHEN = datetime(2026, 11, 23, 8, 0, tzinfo=CENTRAL)
SCHEMA = etree.XMLSchema(etree.parse(str(Path(__file__).parent / "schemas" / "junit.xsd")))


@pytest.fixture(scope="module")
def suite():
    return run_suite(CASES, REFERENCE)


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    """A two-case suite whose second case expects the wrong reject text."""
    shutil.copytree(REFERENCE, tmp_path / "reference")
    for name in ("accept_on_cycle", "r3_arrears_sbo_rejected"):
        shutil.copytree(CASES / name, tmp_path / name)
    response = next((tmp_path / "r3_arrears_sbo_rejected" / "expected").glob("*.814"))
    response.write_text(response.read_text().replace("SBO NOT PERMITTED", "SBO NOT ALLOWED"))
    return tmp_path


def test_the_built_in_suite_passes_and_covers_everything(suite) -> None:
    assert len(suite.cases) >= 60 and suite.failed == []
    covered = {c for case in suite.cases for c in case.covers}
    assert {"R1", "R2", "R3", "R4", "R5", "R6", "R7"} <= covered
    assert {"A76", "008", "UND", "API", "ABN", "DIV", "FRB", "NFI", "A13"} <= covered
    assert {"TA1:001", "TA1:021", "TA1:023", "AK9:5", "AK5:4", "AK3:3", "AK4:7"} <= covered
    assert {"810", "taxes", "cancel", "rebill", "D6"} <= covered


def test_a_broken_expectation_fails_with_a_segment_diff(broken: Path) -> None:
    result = run_suite(broken, broken / "reference")
    assert [c.name for c in result.failed] == ["r3_arrears_sbo_rejected"]
    (diff,) = result.failed[0].diffs
    (change,) = diff.changes
    assert change.kind == "~" and change.elements == (3,)
    text = "\n".join(terminal_lines(result))
    assert "segment 11 (REF03): expected 'REF*7G*A13*ACCOUNT IN ARREARS - SBO NOT ALLOWED'" in text
    assert "got      'REF*7G*A13*ACCOUNT IN ARREARS - SBO NOT PERMITTED'" in text
    assert "2 case(s): 1 passed, 1 failed" in text
    cli = CliRunner().invoke(main, ["conformance", str(broken)])
    assert cli.exit_code == 1 and "FAIL r3_arrears_sbo_rejected" in cli.output


def test_missing_extra_and_changed_segments_are_told_apart() -> None:
    expected = "ISA*A~\nGS*1~\nST*814*0001~\nREF*12*1~\nSE*3*0001~\n"
    got = "ISA*A~\nGS*1~\nST*814*0001~\nREF*12*2~\nREF*11*X~\nSE*3*0001~\n"
    diff = diff_text("x.814", expected, got)
    assert diff is not None
    assert [(c.kind, c.number) for c in diff.changes] == [("~", 4), ("+", 0)]
    assert diff_text("x.814", expected, expected) is None


def test_volatile_fields_are_not_compared_when_the_clock_is_not_fixed(tmp_path: Path) -> None:
    shutil.copytree(CASES / "accept_on_cycle", tmp_path / "case")
    meta = json.loads((tmp_path / "case" / "case.json").read_text())
    for step in meta["steps"]:
        del step["now"]
    (tmp_path / "case" / "case.json").write_text(json.dumps(meta))
    later = lambda: datetime(2027, 2, 3, 4, 5, tzinfo=CENTRAL)  # noqa: E731
    case = load_case(tmp_path / "case")
    import edi.conformance.suite as conformance

    strict = conformance.compare(
        conformance.expected_files(case), conformance.run_case(case, REFERENCE, later), case.volatile
    )
    assert strict  # the dates differ
    meta["volatile"] = ["ISA09", "ISA10", "GS04", "GS05", "BGN03", "TA102", "TA103", "as_of", "at"]
    (tmp_path / "case" / "case.json").write_text(json.dumps(meta))
    case = load_case(tmp_path / "case")
    relaxed = conformance.compare(
        conformance.expected_files(case), conformance.run_case(case, REFERENCE, later), case.volatile
    )
    assert relaxed == []


def test_junit_xml_follows_the_common_schema(suite, broken: Path) -> None:
    for result in (suite, run_suite(broken, broken / "reference")):
        document = etree.fromstring(junit_xml(result, WHEN))
        SCHEMA.assertValid(document)
        assert int(document.get("tests")) == len(result.cases)
        assert int(document.get("failures")) == len(result.failed)
        failures = document.findall(".//testcase/failure")
        assert len(failures) == len(result.failed)
        for failure in failures:
            assert "segment" in failure.text and failure.get("type") == "OutputMismatch"


def test_html_report_is_one_self_contained_page(broken: Path, tmp_path: Path) -> None:
    result = run_suite(broken, broken / "reference")
    page = lxml_html.document_fromstring(html_report(result, WHEN))
    assert page.findtext(".//title") == f"sbo-edi conformance: {broken.name}"
    assert "2 cases" in page.find_class("summary")[0].text_content()
    rows = page.xpath("//table[@class='cases']/tr[td]")
    assert [r.xpath("td[2]")[0].text_content() for r in rows] == ["PASS", "FAIL"]
    failing = page.get_element_by_id("case-r3_arrears_sbo_rejected")
    expected_cell = failing.find_class("expected")[0]
    got_cell = failing.find_class("got")[0]
    assert expected_cell.xpath("mark")[0].text == "ACCOUNT IN ARREARS - SBO NOT ALLOWED"
    assert got_cell.xpath("mark")[0].text == "ACCOUNT IN ARREARS - SBO NOT PERMITTED"
    assert not page.xpath("//script | //link | //img | //iframe | //*[@src]")  # nothing fetched from elsewhere
    assert page.xpath("//style") and page.xpath("//meta[@charset='utf-8']")
    cli = CliRunner().invoke(
        main, ["conformance", str(broken), "--junit", str(tmp_path / "j.xml"), "--html", str(tmp_path / "r.html")]
    )
    assert cli.exit_code == 1
    SCHEMA.assertValid(etree.parse(str(tmp_path / "j.xml")))
    assert lxml_html.parse(str(tmp_path / "r.html")).getroot().get_element_by_id("case-accept_on_cycle") is not None


def test_a_case_that_crashes_is_an_error_not_a_crash(tmp_path: Path) -> None:
    shutil.copytree(CASES / "accept_on_cycle", tmp_path / "case")
    (tmp_path / "case" / "accounts.jsonl").write_text("{broken\n")
    result = run_one(load_case(tmp_path / "case"), REFERENCE)
    assert not result.passed and "SnapshotError" in result.error
    document = etree.fromstring(
        junit_xml(type("S", (), {"name": "s", "cases": [result], "seconds": 0.1, "failed": [result]})(), WHEN)
    )
    SCHEMA.assertValid(document)
    assert document.find(".//error") is not None


def test_partner_mode_reports_per_transaction_with_pyx12_beside(tmp_path: Path) -> None:
    from scripts.make_example_data import DROP

    result = CliRunner().invoke(
        main,
        [
            "conformance",
            "--partner",
            str(DROP / "prairie_power_20261102_02.edi"),
            "--partner",
            str(DROP / "prairie_power_20261102_01.edi"),
            "--accounts",
            str(CASES.parent / "example" / "accounts.jsonl"),
            "--engine",
            "pyx12",
            "--now",
            "2026-11-02T09:30",
            "--out",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1  # one file has a syntax problem
    assert "[AK4:7] REF02" in result.output and "pyx12 agrees: 202/0001 R" in result.output
    assert "rejected A13 ACCOUNT IN ARREARS - SBO NOT PERMITTED [R3]" in result.output
    assert "2 file(s): 1 clean, 1 with problems" in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "prairie_power_20261102_01",
        "prairie_power_20261102_02",
    ]
