"""Issue 13: the compiled fast path never accepts what the full engine rejects, and gives identical results."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.guides.compiler import ElementRule, LoopRule, SegmentRule, load_guides
from edi.guides.elements import check_value
from edi.guides.fast import MAX_FAST_SEGMENTS, fast_path, value_pattern
from edi.guides.validator import Validator
from edi.times import zone
from edi.x12.acks import AckSettings, CountingControlNumbers, acknowledge
from scripts.make_example_data import interchange, request
from tests.goldens import FIXTURES
from tests.test_properties import mutations

GUIDES = load_guides()
ROOT = Path(__file__).resolve().parent.parent


def _outcome(data: bytes, *, fast: bool) -> tuple[list[str], list[str]]:
    """Every event as text (codes, positions, messages) and the acknowledgments written for them."""
    events = list(Validator(GUIDES, fast=fast, keep_segments=True).run(io.BytesIO(data)))
    shown = [repr(e) for e in events]
    acks = acknowledge(events, AckSettings(datetime(2026, 11, 1, tzinfo=zone()), CountingControlNumbers()))
    return shown, [text or "" for _, text in acks]


def _same(data: bytes) -> None:
    assert _outcome(data, fast=True) == _outcome(data, fast=False)


@pytest.mark.parametrize("path", sorted(FIXTURES.rglob("*.edi")) + sorted((ROOT / "fixtures" / "drop").glob("*.edi")),
                         ids=lambda p: p.name)  # fmt: skip
def test_every_fixture_gets_the_same_results_on_both_paths(path: Path) -> None:
    _same(path.read_bytes())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutations())
def test_mutants_get_the_same_results_on_both_paths(data: bytes) -> None:
    _same(data)


ACCOUNTS = ["1000000001", "1000000002", "1000000003"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=4)),
                min_size=1, max_size=4))  # fmt: skip
def test_edited_segments_get_the_same_results_on_both_paths(edits: list[tuple[int, str]]) -> None:
    """A valid set whose segments get text appended, elements blanked or added: the paths always agree."""
    sets = [request(f"{i:04d}", f"FP{i}", ACCOUNTS[i % 3]) for i in range(1, 4)]
    for index, extra in edits:
        body = sets[index % 3]
        position = 1 + index % (len(body) - 2)
        body[position] = body[position].rstrip("~") + extra.replace("~", "") + "~"
    _same(interchange(901, sets).encode("latin-1"))


def test_a_set_longer_than_the_fast_path_holds_gets_the_same_results() -> None:
    long_set = request("0001", "LONG1", "1000000001")
    long_set[-1:-1] = ["REF*11*PP-1~"] * (MAX_FAST_SEGMENTS + 20)
    long_set[-1] = f"SE*{len(long_set)}*0001~"
    _same(interchange(902, [long_set]).encode("ascii"))


def test_the_fast_path_is_what_confirms_clean_sets() -> None:
    data = (ROOT / "fixtures" / "drop").glob("*.edi")
    guide = next(g for g in GUIDES.guides.values() if g.code == "814")
    path = fast_path(guide, "*", ">")
    path.shapes.clear()
    for file in data:
        list(Validator(GUIDES).run(io.BytesIO(file.read_bytes())))
    assert any(rules is not None for rules in path.shapes.values())  # clean shapes were remembered and used


def _element_rules() -> list[ElementRule]:
    found: dict[int, ElementRule] = {}
    for guide in GUIDES.guides.values():
        pending: list[SegmentRule | LoopRule] = [guide.body, guide.st, guide.se]
        while pending:
            node = pending.pop()
            if isinstance(node, LoopRule):
                pending.extend(node.children)
            else:
                found.update((id(e), e) for e in node.elements)
    return list(found.values())


RULES = _element_rules()


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(RULES), st.sampled_from([("*", ">"), ("|", ":"), ("^", "\\")]), st.data())
def test_every_value_an_element_pattern_matches_passes_the_full_check(
    rule: ElementRule, separators: tuple[str, str], data: st.DataObject
) -> None:
    pattern = value_pattern(rule, *separators)
    if pattern == "(?!)":
        return
    value = data.draw(st.from_regex(re.compile(pattern), fullmatch=True))
    assert check_value(rule, rule.seq, value, separators[1]) is None, (rule.xid, value)
