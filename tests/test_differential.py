"""Our verdict per transaction set agrees with pyx12 validating the same file against the same maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from edi.guides.mapdir import assemble_map_dir
from edi.guides.reference import pyx12_verdicts
from edi.guides.validator import Validator
from edi.x12.results import InterchangeResult, SetResult
from tests.goldens import FIXTURES

CASES = sorted(FIXTURES.glob("*/*.edi"))


def ours(path: Path) -> dict[tuple[str, str], list[str]]:
    """AK5 verdicts per (GS06, ST02) in interchanges we did not reject at the envelope."""
    pending: list[tuple[str, str]] = []  # (ST02, verdict) of the open interchange, in order
    verdicts: dict[tuple[str, str], list[str]] = {}
    with open(path, "rb") as stream:
        for event in Validator().run(stream):
            if isinstance(event, SetResult):
                pending.append((event.control_number, "A" if event.accepted else "R"))
            elif isinstance(event, InterchangeResult):
                index = 0
                for group in event.groups:
                    for st02, verdict in pending[index : index + group.received_sets]:
                        if not event.rejected:
                            verdicts.setdefault((group.control_number, st02), []).append(verdict)
                    index += group.received_sets
                assert index == len(pending)
                pending = []
    return verdicts


@pytest.fixture(scope="module")
def map_dir() -> Path:
    return assemble_map_dir()


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_same_verdict_as_pyx12(path: Path, map_dir: Path) -> None:
    reference = pyx12_verdicts(path, map_dir)
    if reference.failure:
        # pyx12 cannot read it (docs/codes.md, reliability cases); our engine still gives a disposition.
        assert any(True for _ in Validator().run(open(path, "rb")))
        return
    mine = ours(path)
    for key, verdict in reference.verdicts.items():
        if key in mine:
            assert verdict in mine[key], (key, verdict, mine[key])


def test_pyx12_reads_most_fixtures(map_dir: Path) -> None:
    readable = [p for p in CASES if not pyx12_verdicts(p, map_dir).failure and pyx12_verdicts(p, map_dir).verdicts]
    assert len(readable) >= 25


def test_pyx12_accepts_every_good_file(map_dir: Path) -> None:
    for path in FIXTURES.glob("good/*.edi"):
        verdicts = pyx12_verdicts(path, map_dir).verdicts
        assert verdicts and set(verdicts.values()) == {"A"}, path.name
