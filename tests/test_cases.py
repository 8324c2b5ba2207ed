"""Golden enrollment cases: snapshot + request in, 814 response (byte for byte) and account state out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from edi.conformance.cases import STATE_FILE, expected_files, load_case, run_case
from edi.guides.validator import Validator
from edi.transactions.documents import DOCUMENTS
from edi.x12.results import SetResult
from tests.goldens import CASES, EXAMPLE
from tests.pg import Cluster

FOLDERS = sorted(p for p in CASES.iterdir() if (p / "case.json").is_file())
RULES = {"R1", "R2", "R3", "R4", "R5", "R6", "R7"}
X12_KINDS = tuple(kind.suffix for kind in DOCUMENTS.values())  # every outbound kind, .814-drop included
MAPPED = tuple(kind.suffix for kind in DOCUMENTS.values() if kind.map_file)  # the kinds pyx12 checks too
REASON_CODES = {"A76", "008", "UND", "API", "ABN", "DIV", "FRB", "NFI", "A13"}


@pytest.fixture(scope="module")
def produced() -> dict[str, dict[str, str]]:
    """Every case run once in its own sandbox store."""
    return {folder.name: run_case(load_case(folder), EXAMPLE) for folder in FOLDERS}


@pytest.fixture(scope="module")
def produced_on_postgresql(pg_cluster: Cluster) -> dict[str, dict[str, str]]:
    """Every case run once in a new PostgreSQL database of its own."""
    return {folder.name: run_case(load_case(folder), EXAMPLE, store=pg_cluster.database()) for folder in FOLDERS}


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_case_gives_the_same_files_on_postgresql(
    folder: Path, produced_on_postgresql: dict[str, dict[str, str]]
) -> None:
    expected = expected_files(load_case(folder))
    got = produced_on_postgresql[folder.name]
    assert sorted(got) == sorted(expected)
    for name, text in expected.items():
        assert got[name] == text, f"{folder.name}/{name} differs on PostgreSQL"


def test_every_rule_and_reason_code_has_a_case() -> None:
    covered = {c for folder in FOLDERS for c in load_case(folder).covers}
    assert covered >= RULES
    assert covered >= REASON_CODES


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_case_matches_its_golden_files(folder: Path, produced: dict[str, dict[str, str]]) -> None:
    expected = expected_files(load_case(folder))
    got = produced[folder.name]
    assert sorted(got) == sorted(expected), "a different set of output files"
    for name, text in expected.items():
        assert got[name] == text, f"{folder.name}/{name} differs from its golden file"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_each_reason_code_a_case_covers_is_in_its_response(folder: Path, produced: dict[str, dict[str, str]]) -> None:
    case = load_case(folder)
    responses = "".join(t for n, t in produced[folder.name].items() if n.endswith(".814"))
    for code in REASON_CODES & set(case.covers):
        assert f"REF*7G*{code}*" in responses


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_every_output_passes_our_validation(folder: Path, produced: dict[str, dict[str, str]], tmp_path: Path) -> None:
    import io

    for name, text in produced[folder.name].items():
        if not name.endswith(X12_KINDS):
            continue
        results = [
            e for e in Validator(file_name=name).run(io.BytesIO(text.encode("ascii"))) if isinstance(e, SetResult)
        ]
        if name.endswith(".ta1"):
            assert not results and text.count("TA1*") == 1
            continue
        assert results and all(r.accepted for r in results), f"{name}: {[r.issues for r in results]}"


def test_every_outbound_kind_has_a_golden_output(produced: dict[str, dict[str, str]]) -> None:
    made = {kind for files in produced.values() for name in files for kind in X12_KINDS if name.endswith(kind)}
    assert made == set(X12_KINDS)


def test_state_files_are_json_with_every_account(produced: dict[str, dict[str, str]]) -> None:
    for name, files in produced.items():
        state = json.loads(files[STATE_FILE])
        assert state, name
        assert all(view["account"] == number for number, view in state.items())


def test_pyx12_accepts_our_814_responses_and_changes(produced: dict[str, dict[str, str]], tmp_path: Path) -> None:
    from edi.guides.mapdir import assemble_map_dir
    from edi.guides.reference import pyx12_verdicts

    map_dir = assemble_map_dir()
    checked = 0
    for case, files in produced.items():
        for name, text in files.items():
            if not name.endswith(MAPPED):
                continue
            path = tmp_path / f"{case}.{name}"
            path.write_text(text, encoding="ascii")
            verdict = pyx12_verdicts(path, map_dir)
            assert not verdict.failure, f"{case}/{name}: {verdict.failure}"
            assert verdict.verdicts and set(verdict.verdicts.values()) == {"A"}, f"{case}/{name}: {verdict.verdicts}"
            checked += 1
    assert checked >= len([f for f in FOLDERS if not f.name.startswith("envelope_")])
