"""The seen-control-number set: exact membership, small for sequential numbering."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from edi.x12.control_numbers import ControlNumberSet


def test_sequential_numbers_take_one_range() -> None:
    seen = ControlNumberSet()
    assert all(seen.add(f"{i:09d}") for i in range(1, 100_001))
    assert len(seen) == 1
    assert not seen.add("000050000") and "000050000" in seen and "50000" not in seen


@given(st.lists(st.one_of(st.from_regex(r"[0-9]{1,4}", fullmatch=True), st.text(max_size=4))))
def test_same_answers_as_a_plain_set(values: list[str]) -> None:
    seen, plain = ControlNumberSet(), set()
    for value in values:
        assert seen.add(value) == (value not in plain)
        plain.add(value)
        assert value in seen
