"""Issue 13: what one write transaction keeps in memory (sequence draws, the outcome chain's tail, primed reads).

Each kept value must be exactly what a statement per use would have given, and never outlive what the database
itself keeps: a commit writes it, a rollback (or ROLLBACK TO a savepoint) forgets it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from edi.store.accounts import AccountCache, account_numbers, request_seen, requests_seen, supply_state, supply_states
from edi.store.connection import begin, commit, next_value, open_store, rollback, savepoint
from edi.store.ledger import OutcomeKey, record_outcome
from edi.store.seal import verify_chain
from rules.outcomes import Outcome, OutcomeKind
from scripts.benchmark import build_store, generate
from scripts.make_example_data import DROP
from tests.store_helpers import NOW, fresh_store, replay


def _stored(db: Path | str, name: str) -> int:
    """The sequence's value as another connection sees it (what is committed)."""
    other = open_store(db)
    try:
        return int(other.execute("SELECT next_value FROM sequences WHERE name = ?", (name,)).fetchone()[0])
    finally:
        other.close()


def test_draws_are_written_back_at_commit_and_forgotten_at_rollback(store_target: str) -> None:
    db = store_target
    conn = open_store(db)
    start = _stored(db, "reference")
    begin(conn)
    drawn = [next_value(conn, "reference") for _ in range(3)]
    commit(conn)
    assert drawn == [start, start + 1, start + 2]
    assert _stored(db, "reference") == start + 3
    begin(conn)
    assert next_value(conn, "reference") == start + 3
    rollback(conn)
    assert _stored(db, "reference") == start + 3
    begin(conn)
    assert next_value(conn, "reference") == start + 3  # the rolled-back number is drawn again
    commit(conn)


def test_a_rollback_to_a_savepoint_returns_only_the_draws_made_inside_it(store_target: str) -> None:
    db = store_target
    conn = open_store(db)
    start = _stored(db, "reference")
    begin(conn)
    before = next_value(conn, "reference")
    with savepoint(conn, "nested", keep=False):
        inside = next_value(conn, "reference")
        next_value(conn, "reference")
    after = next_value(conn, "reference")
    commit(conn)
    assert (before, inside, after) == (start, start + 1, start + 1)
    assert _stored(db, "reference") == start + 2


def test_a_statement_that_names_the_sequences_sees_every_draw(store_target: str) -> None:
    db = store_target
    conn = open_store(db)
    start = _stored(db, "reference")
    begin(conn)
    next_value(conn, "reference")
    next_value(conn, "reference")
    seen = conn.execute("SELECT next_value FROM sequences WHERE name = 'reference'").fetchone()[0]
    rollback(conn)
    assert seen == start + 2


def test_outcome_rows_written_around_a_rolled_back_savepoint_keep_one_unbroken_chain(store_target: str) -> None:
    conn = open_store(store_target)
    begin(conn)
    key = OutcomeKey(None, "1", "0001")
    first = record_outcome(conn, key, NOW, Outcome(OutcomeKind.ACK_REJECTED))
    with savepoint(conn, "nested", keep=False):
        gone = record_outcome(conn, key, NOW, Outcome(OutcomeKind.ACK_REJECTED))
    second = record_outcome(conn, key, NOW, Outcome(OutcomeKind.ACK_REJECTED))
    commit(conn)
    begin(conn)
    third = record_outcome(conn, key, NOW, Outcome(OutcomeKind.ACK_REJECTED))
    commit(conn)
    assert (first, gone, second, third) == (1, 2, 2, 3)
    assert verify_chain(conn) == (3, None)


def test_another_writer_between_transactions_is_seen_by_the_next_seal(store_target: str) -> None:
    db = store_target
    conn, other = open_store(db), open_store(db)
    key = OutcomeKey(None, "1", "0001")
    for writer in (conn, other, conn, other, conn):
        begin(writer)
        record_outcome(writer, key, NOW, Outcome(OutcomeKind.ACK_REJECTED))
        commit(writer)
    assert verify_chain(conn) == (5, None)


def test_primed_supply_and_requests_equal_one_read_each(tmp_path: Path) -> None:
    conn = fresh_store(tmp_path)
    for path in sorted(DROP.glob("*.edi")):  # supply rows, seen BGN02s, a switch, a drop
        replay(conn, path)
    numbers = [*account_numbers(conn), "9999999999"]
    pairs = [tuple(r) for r in conn.execute("SELECT supplier_duns, request_id FROM requests_seen")]
    pairs += [("222222222", "NEVER-SENT"), (pairs[0][0], pairs[0][1] + "X")]
    for as_of in (date(2026, 11, 2), date(2027, 1, 15)):
        assert supply_states(conn, numbers, as_of) == {n: supply_state(conn, n, as_of) for n in numbers}
    assert requests_seen(conn, pairs) == {p: request_seen(conn, *p) for p in pairs}
    cache = AccountCache(conn, date(2026, 11, 2))
    cache.prime(numbers, pairs)
    assert [cache.seen(*p) for p in pairs] == [request_seen(conn, *p) for p in pairs]


def _statements(db: Path, drop: Path) -> list[str]:
    """Every statement `process` runs on ``drop`` (read through SQLite's trace hook)."""
    from edi.flows.inbound import FileProcessor, RunSettings

    conn = open_store(db)
    seen: list[str] = []
    conn.set_trace_callback(seen.append)
    FileProcessor(conn, RunSettings(now=NOW, as_of=date(2026, 11, 2))).run(drop)
    conn.set_trace_callback(None)
    return seen


def test_an_enrollment_costs_no_read_of_its_own(tmp_path: Path) -> None:
    """Issue 13: no per-request look-up of the account, its supply, its BGN02 or the reference sequence."""
    sets = 1200  # more than two blocks of PRIME_BLOCK
    db, drop = tmp_path / "s.db", tmp_path / "drop.edi"
    build_store(db, sets)
    generate(drop, sets)
    statements = _statements(db, drop)
    assert sum("INSERT INTO outcomes" in s for s in statements) == sets
    per_request = (
        "FROM requests_seen WHERE supplier_duns",  # D7, one BGN02
        "ORDER BY supply.effective DESC, supply.id DESC LIMIT 2",  # D8/D9, one account's supply
        "FROM accounts WHERE number IN (",  # the account itself
        "UPDATE sequences",  # a reference number
        "FROM outcomes ORDER BY id DESC",  # the chain's tail
    )
    for pattern in per_request:
        count = sum(pattern in s for s in statements)
        assert count <= sets / 100, (pattern, count)


def test_a_big_document_is_published_a_mib_at_a_time_byte_for_byte(tmp_path: Path) -> None:
    """Memory: a million-set 997 (about 26 MB) is never read back whole to be written to the outbox folder."""
    from edi.flows.delivery import Output, publish_outbox, store_output
    from edi.store import outbox

    conn = open_store(tmp_path / "s.db")
    body = "".join(f"AK2*814*{n:09d}~\nAK5*A~\n" for n in range(110_000))  # about 2.6 MiB
    isa = "ISA*00*          *00*          *01*111111111      *01*222222222      *261102*0930*U*00401*000000001*0*P*>~"
    text = f"{isa}\n{body}"
    begin(conn)
    name = store_output(conn, Output("997", "", text), "222222222", None, NOW)
    commit(conn)
    ((row_id, _kind, _name, chunks),) = list(outbox.unsent(conn))
    assert [len(c) for c in chunks][:-1] == [outbox.CONTENT_CHUNK] * 2
    (tmp_path / "out").mkdir()
    publish_outbox(conn, tmp_path / "out", NOW)
    assert (tmp_path / "out" / name).read_bytes() == text.encode("ascii")
