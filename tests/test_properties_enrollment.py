"""Hypothesis over the whole enrollment path: any valid request gives valid outputs and one outcome; money is exact."""

from __future__ import annotations

import io
import json
import sqlite3
import tempfile
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.guides.validator import Validator
from edi.x12.results import SetResult
from edi.x12.segments import Separators
from scripts.make_example_data import ACCOUNTS
from tests.store_helpers import fresh_store, replay

INBOUND_SEPARATORS = st.sampled_from([Separators("*", ">", "~"), Separators("|", ":", "^"), Separators("!", "@", "\n")])
TEXT = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-/*~>|:^!@"


@pytest.fixture(scope="module")
def store() -> Iterator[sqlite3.Connection]:
    with tempfile.TemporaryDirectory() as folder:
        conn = fresh_store(Path(folder))
        yield conn
        conn.close()


def _value(separators: Separators, min_size: int, max_size: int) -> st.SearchStrategy[str]:
    alphabet = "".join(c for c in TEXT if c not in separators.as_tuple())
    return st.text(alphabet=alphabet, min_size=min_size, max_size=max_size).filter(lambda v: v.strip() != "")


@st.composite
def inbound(draw: st.DrawFn) -> tuple[bytes, int]:
    """One interchange of 1 to 3 requests, in any separators, with free text that may hold our separators."""
    sep = draw(INBOUND_SEPARATORS)
    e = sep.element
    accounts = [a["number"] for a in ACCOUNTS.values()] + ["1999999999"]
    sets = []
    for n in range(1, draw(st.integers(1, 3)) + 1):
        body = [
            ["BGN", "13", draw(_value(sep, 1, 30)), "20261102"],
            ["N1", "8S", "AMEREN ILLINOIS", "1", "111111111"],
            ["N1", "SJ", draw(_value(sep, 1, 60)), "1", draw(st.sampled_from(["222222222", "333333333"]))],
            ["N1", "8R", draw(_value(sep, 1, 60))],
            ["LIN", draw(_value(sep, 1, 20)), "SH", "EL", "SH", "CE"],
            ["ASI", "7", draw(st.sampled_from(["021", "024"]))],
            ["REF", "12", draw(st.sampled_from(accounts))],
            ["REF", "11", draw(_value(sep, 1, 30))],
            ["REF", "BLT", draw(st.sampled_from(["ESP", "DUAL", "LDC"]))],
            ["REF", "PC", draw(st.sampled_from(["DUAL", "LDC"]))],
            ["DTM", "150", draw(st.sampled_from(["20261104", "20261110", "20261120", "20270301"]))],
        ]
        st02 = f"{n:04d}"
        sets.append([["ST", "814", st02], *body, ["SE", str(len(body) + 2), st02]])
    isa = (
        f"ISA{e}00{e}{' ' * 10}{e}00{e}{' ' * 10}{e}01{e}{'222222222':<15}{e}01{e}{'111111111':<15}{e}261102{e}0900"
        f"{e}U{e}00401{e}000000042{e}0{e}P{e}{sep.component}"
    )
    segments = [isa.split(e), ["GS", "GE", "222222222", "111111111", "20261102", "0900", "42", "X", "004010"]]
    for s in sets:
        segments.extend(s)
    segments += [["GE", str(len(sets)), "42"], ["IEA", "1", "000000042"]]
    return "".join(e.join(s) + sep.segment for s in segments).encode("ascii"), len(sets)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(inbound())
def test_any_valid_request_gets_one_outcome_and_valid_outputs(
    store: sqlite3.Connection, case: tuple[bytes, int]
) -> None:
    data, sets = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.edi"
        path.write_bytes(data)
        run = replay(store, path, dry_run=True)
    assert not run.issues, [i.describe() for i in run.issues]
    assert len(run.transactions) == sets  # every set, one outcome
    assert all(t.outcome.label in ("accepted", "rejected") for t in run.transactions)
    for output in run.outputs:
        results = [e for e in Validator().run(io.BytesIO(output.content.encode("ascii"))) if isinstance(e, SetResult)]
        assert results and all(r.accepted for r in results), (output.kind, [r.issues for r in results])


CENTS = st.integers(min_value=0, max_value=99_999_99).map(lambda c: Decimal(c) / 100)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(CENTS, CENTS), min_size=1, max_size=12))
def test_budget_balance_due_reaches_the_direct_bill_exactly(periods: list[tuple[Decimal, Decimal]]) -> None:
    from scripts.make_example_data import interchange, request

    account = json.loads(json.dumps(ACCOUNTS["budget_due"]))
    account["budget"]["periods"] = [
        {"period_end": f"2026-{m:02d}-28", "billed": f"{paid:.2f}", "paid": f"{paid:.2f}", "actual": f"{actual:.2f}"}
        for m, (paid, actual) in enumerate(periods, start=1)
    ]
    expected = sum((a for _, a in periods), Decimal("0")) - sum((p for p, _ in periods), Decimal("0"))
    with tempfile.TemporaryDirectory() as folder:
        conn = fresh_store(Path(folder), [account])
        path = Path(folder) / "in.edi"
        path.write_text(interchange(9, [request("0001", "P1", account["number"])]), encoding="ascii")
        run = replay(conn, path)
        charges = conn.execute("SELECT amount FROM direct_bill_charges").fetchall()
        conn.close()
    assert run.transactions[0].outcome.label == "accepted"
    assert [Decimal(c[0]) for c in charges] == ([expected] if expected else [])
    if expected:
        assert f"{abs(expected):.2f}" not in "".join(o.content for o in run.outputs)  # R2: never to the RES
