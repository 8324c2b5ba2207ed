"""Issue 13: every faster path gives exactly what the path it replaces gave (imports, account reads, the seal)."""

from __future__ import annotations

import json
import pickle
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.store.accounts import AccountCache, account_numbers, load_account
from edi.store.connection import open_store
from edi.store.seal import verify_chain
from edi.store.snapshot import BLOCK, SnapshotError, _compiled, _parsed, _validator, import_accounts
from edi.transactions.tx814 import Granted, Request814, Utility
from edi.transactions.tx814_response import response_text
from edi.x12.segments import seg
from edi.x12.writer import segment_line, write_segments
from rules.decisions import Decision, EndSupply, Reason, SetSupplier
from tests.goldens import EXAMPLE
from tests.store_helpers import fresh_store

LINES = [json.loads(line) for line in (EXAMPLE / "accounts.jsonl").read_text().splitlines()]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def _many(count: int) -> list[dict[str, Any]]:
    """``count`` distinct accounts made from the example lines (numbers and service point ids renumbered)."""
    made = []
    for i in range(count):
        record = json.loads(json.dumps(LINES[i % len(LINES)]))
        record["number"] = f"{9000000000 + i}"
        for sp in record["service_points"]:
            sp["id"] = f"{sp['id']}-{i}"
        made.append(record)
    return made


def _tables(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = open_store(db)
    names = ("accounts", "service_points", "supply", "past_due", "budget_plans", "budget_periods", "bills", "payments")
    return {t: [tuple(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")] for t in names}


def test_a_block_with_a_bad_line_names_it_and_loads_nothing(tmp_path: Path) -> None:
    conn = open_store(tmp_path / "s.db")
    records = _many(BLOCK + 5)
    records[BLOCK - 3]["number"] = records[2]["number"]  # a duplicate inside the first block
    with pytest.raises(SnapshotError) as raised:
        import_accounts(conn, _write(tmp_path / "a.jsonl", records))
    assert [(e.line, e.message.split(" (")[0]) for e in raised.value.errors] == [(BLOCK - 2, "already in the store")]
    assert conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == 0


def test_blocks_write_the_rows_lines_one_by_one_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    records = _many(2 * BLOCK + 7)
    import_accounts(open_store(tmp_path / "batched.db"), _write(tmp_path / "a.jsonl", records))
    monkeypatch.setattr("edi.store.snapshot.BLOCK", 1)  # every block one line: the per-line path's rows
    import_accounts(open_store(tmp_path / "single.db"), tmp_path / "a.jsonl")
    assert _tables(tmp_path / "batched.db") == _tables(tmp_path / "single.db")


def test_an_escaped_impossible_date_is_still_found(tmp_path: Path) -> None:
    record = _many(1)[0]
    text = json.dumps(record).replace('"due_date": "2026-11-24"', '"due_date": "\\u0032026-02-30"')
    assert "\\u0032026-02-30" in text
    (tmp_path / "a.jsonl").write_text(text + "\n")
    with pytest.raises(SnapshotError) as raised:
        import_accounts(open_store(tmp_path / "s.db"), tmp_path / "a.jsonl")
    assert "'2026-02-30' is not a calendar date" in raised.value.errors[0].message


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)


def _as_json_reads(text: str) -> tuple[object, ...]:
    try:
        return ("value", json.loads(text))
    except json.JSONDecodeError as error:
        return ("error", error.msg, error.colno)


def _as_parsed_reads(text: str) -> tuple[object, ...]:
    try:
        return ("value", _parsed(text))
    except json.JSONDecodeError as error:
        return ("error", error.msg, error.colno)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES, st.sampled_from(["", " ", "\n", "x", ",", "]", "\ud800", "NaN"]), st.integers(0, 40))
def test_a_line_is_read_as_json_reads_it(value: object, noise: str, cut: int) -> None:
    """orjson where it reads the line, json otherwise: the same value, or json's own error (issue 13)."""
    text = json.dumps(value, allow_nan=True)
    for line in (text, text + noise, text[:cut] + noise + text[cut:]):
        parsed, expected = _as_parsed_reads(line), _as_json_reads(line)
        if _wide(expected):
            assert parsed[0] == "value"  # orjson reads an integer past 64 bits as a float: see the next test
        else:
            assert json.dumps(parsed) == json.dumps(expected)  # NaN dumps as NaN on both sides


def _wide(value: object) -> bool:
    """An integer orjson does not read as one (outside -2**63 .. 2**64), anywhere in ``value``."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not -(2**63) <= value < 2**64
    if isinstance(value, (list, tuple)):
        return any(_wide(v) for v in value)
    if isinstance(value, dict):
        return any(_wide(v) for v in value.values())
    return False


def test_a_line_with_an_integer_past_64_bits_is_named_as_json_reads_it(tmp_path: Path) -> None:
    record = _many(1)[0]
    record["bill_group"] = 123456789012345678901234567890
    (tmp_path / "a.jsonl").write_text(json.dumps(record) + "\n")
    with pytest.raises(SnapshotError) as raised:
        import_accounts(open_store(tmp_path / "s.db"), tmp_path / "a.jsonl")
    assert (
        raised.value.errors[0].message == "bill_group: 123456789012345678901234567890 is greater than the maximum of 21"
    )


VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 30), st.text(max_size=12), st.just("2026-13-01"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(LINES), st.lists(st.tuples(st.text(max_size=10), VALUES), max_size=3), st.data())
def test_the_compiled_schema_agrees_with_the_reference(
    line: dict[str, Any], edits: list[tuple[str, Any]], data: st.DataObject
) -> None:
    record = json.loads(json.dumps(line))
    targets = [record, record["customer"], record["service_points"][0]]  # taken before any edit replaces one
    for key, value in edits:
        target = data.draw(st.sampled_from(targets))
        target[data.draw(st.sampled_from([key, *target.keys()]))] = value
    assert _compiled("account").is_valid(record) == (not list(_validator("account").iter_errors(record)))


def test_accounts_read_a_block_at_a_time_equal_accounts_read_one_by_one(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    for as_of in (date(2026, 11, 2), date(2026, 12, 1)):
        numbers = [*account_numbers(conn), "9999999999"]
        cache = AccountCache(conn, as_of)
        cache.prime(numbers)
        assert [cache.get(n) for n in numbers] == [load_account(conn, n, as_of) for n in numbers]


def test_the_seal_written_with_the_row_verifies(tmp_path: Path) -> None:
    from tests.test_operations import _enrolled

    conn = open_store(_enrolled(tmp_path))
    checked, broken = verify_chain(conn)
    assert checked > 0 and broken is None


_TEXT = st.text(alphabet="AZ09 *~>-.", max_size=8)


@st.composite
def _requests(draw: st.DrawFn) -> Request814:
    """A request as a partner could send it: any field empty, or holding our separators."""
    service = tuple(draw(st.lists(_TEXT, min_size=4, max_size=4)))

    def text() -> str:
        return draw(_TEXT)

    return Request814(
        st02=text(), bgn01=text(), request_id=text(), supplier_name=text(), supplier_duns=text(),
        supplier_qualifier=text(), utility_name=text(), utility_duns=text(), customer_name=text(),
        line_ref=draw(_TEXT), line_service=service,
        action=(draw(_TEXT), draw(_TEXT)), account_number=draw(_TEXT), supplier_account=draw(_TEXT),
        change_items=tuple(draw(st.lists(_TEXT, max_size=3))),
        echoes=tuple(draw(st.lists(st.tuples(st.sampled_from(["PRT", "17", "DR"]), _TEXT), max_size=3))),
    )  # fmt: skip


DAY = date(2026, 12, 1)
RATES = st.text(alphabet="ADGS019-", max_size=4)  # the store's rate classes (the schema's pattern)
GRANTED = st.builds(Granted, st.integers(1, 21), st.lists(RATES, max_size=3).map(tuple))
DECISIONS = st.one_of(
    st.builds(
        Decision.reject,
        st.lists(st.builds(Reason, st.sampled_from(["A13", "HUU", "API"]), _TEXT), min_size=1, max_size=3).map(tuple),
    ),  # fmt: skip
    st.just(Decision.accept((SetSupplier("1", ("E1",), "ESP", "DUAL", DAY, False),), ())),
    st.just(Decision.accept((EndSupply("1", ("E1",), DAY, False),), ())),
    st.just(Decision.accept((), ())),
)


@settings(max_examples=300, deadline=None)
@given(_requests(), DECISIONS, st.none() | GRANTED)
def test_a_response_is_written_as_segments_would_be(request: Request814, decision: Decision,
                                                    granted: Granted | None) -> None:  # fmt: skip
    """Each line one segment: no trailing empty element, no separator inside a value, the count SE states."""
    body = response_text(request, decision, utility=Utility("AMEREN ILLINOIS", "006936017"), reference="AIC1",
                         today=DAY, granted=granted)  # fmt: skip
    lines = body.text.split("~\n")
    assert lines[-1] == "" and len(lines) - 1 == body.segments
    segments = [line.split("*") for line in lines[:-1]]
    assert all(len(s) == 1 or s[-1] != "" for s in segments)
    assert not any(c in value for s in segments for value in s for c in "~>\n")
    assert segments[0][:4] == ["BGN", "11", "AIC1", "20261201"]
    tags = [s[0] for s in segments]
    option = decision.granted
    if option is not None:
        loops = len(granted.rate_classes) if granted and granted.rate_classes else 1
        assert tags.count("LIN") == loops and tags.count("DTM") == loops
    elif not decision.accepted:
        assert sum(s[0] == "REF" and s[1] in ("7G", "1P") for s in segments) == len(decision.reasons)


@given(st.lists(st.text(alphabet="AZ09 .-", max_size=4), min_size=1, max_size=8))
def test_a_line_is_what_writing_the_segment_gives(elements: list[str]) -> None:
    """``segment_line`` is ``write_segments`` of ``seg``, trailing empty elements and all (issue 13)."""
    assert segment_line(*elements) == write_segments([seg(*elements)], newline=True)


@given(_requests())
def test_a_request_comes_out_of_the_pipe_as_it_went_in(request: Request814) -> None:
    """The compact pickle the reading process sends (issue 13) keeps every field, the derived ones included."""
    back = pickle.loads(pickle.dumps(request, protocol=5))
    assert back == request
    assert (back.as_rules, back.echo) == (request.as_rules, request.echo)
    assert vars(back) == vars(request)
