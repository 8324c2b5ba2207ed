"""D12 and D15 as pure rules: who gets a point's 867 of a period, and how a usage request is answered."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rules.invoicing import SupplyRow
from rules.usage import monthly_recipient

START, END = date(2026, 11, 10), date(2026, 12, 9)
PRAIRIE, LAKESIDE = "222222222", "4444444440001"


def row(duns: str | None, effective: date, kind: str = "ESP") -> SupplyRow:
    return SupplyRow(duns, kind if duns else "LDC", effective)


def test_the_res_serving_the_whole_period_gets_it_not_final() -> None:
    found = monthly_recipient([row(None, date(2019, 6, 1)), row(PRAIRIE, date(2026, 6, 9))], START, END)
    assert found is not None and found[0].supplier_duns == PRAIRIE and found[1] is False


def test_a_drop_or_switch_at_the_closing_read_makes_it_final() -> None:
    dropped = monthly_recipient([row(PRAIRIE, date(2026, 6, 9)), row(None, END)], START, END)
    switched = monthly_recipient([row(PRAIRIE, date(2026, 6, 9)), row(LAKESIDE, END, "DUAL")], START, END)
    assert dropped is not None and dropped == (row(PRAIRIE, date(2026, 6, 9)), True)
    assert switched is not None and switched[0].supplier_duns == PRAIRIE and switched[1] is True


def test_a_final_inside_the_period_still_reports_to_the_res_that_served_with_f() -> None:
    found = monthly_recipient([row(PRAIRIE, date(2026, 6, 9)), row(None, date(2026, 11, 20))], START, END)
    assert found is not None and found[0].supplier_duns == PRAIRIE and found[1] is True


def test_an_off_cycle_enrollment_inside_the_period_reports_to_the_new_res_any_option() -> None:
    found = monthly_recipient([row(None, date(2019, 6, 1)), row(LAKESIDE, date(2026, 11, 20), "DUAL")], START, END)
    assert found is not None and found[0].supplier_duns == LAKESIDE and found[1] is False


def test_utility_supply_or_a_res_from_the_next_period_gets_none() -> None:
    assert monthly_recipient([row(None, date(2019, 6, 1))], START, END) is None
    assert monthly_recipient([row(None, date(2019, 6, 1)), row(PRAIRIE, END)], START, END) is None


DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 6, 1))


@given(st.lists(st.tuples(st.sampled_from([None, PRAIRIE, LAKESIDE]), DAYS), max_size=6))
def test_the_recipient_supplied_the_point_inside_the_period(rows: list[tuple[str | None, date]]) -> None:
    supply = [row(duns, day) for duns, day in rows]
    found = monthly_recipient(supply, START, END)
    in_force_at_start = [r for r in sorted(supply, key=lambda r: r.effective) if r.effective <= START][-1:]
    inside = [r for r in supply if START < r.effective < END]
    candidates = [r for r in (*in_force_at_start, *inside) if r.supplier_duns]
    assert (found is None) == (not candidates)
    if found is not None:
        assert found[0] in candidates and found[0].supplier_duns
