"""Issue 13: an interchange decided as it is read leaves exactly what deciding it at its close leaves.

Both paths run on copies of one store; every table (the outbox's documents included), the run's counts and the
documents' names must agree, for every fixture, for interchanges that fill response and notice interchanges
while they are read, and for mutants of the example drop (which mostly do not close clean: undone, then staged).
"""

from __future__ import annotations

import errno
import fcntl
import multiprocessing
import os
import pickle
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.flows.inbound import TABLES, FileProcessor, RunSettings
from edi.flows.inbound.interchange import Interchange
from edi.flows.inbound.reading import BATCH, ReadingFailedError, SetRead, _roomy, read_sets
from edi.store.connection import open_store
from scripts.benchmark import generate
from scripts.campaign import fresh_control_numbers, mutate
from scripts.make_example_data import DROP, interchange, request
from tests.store_helpers import AS_OF, NOW, dump, fresh_store

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
INPUTS = sorted(
    [*DROP.glob("*.edi"), *(FIXTURES / "x12").glob("*/*"), *(FIXTURES / "conformance").glob("*/in/*")],
    key=str,
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example store, made once."""
    folder = tmp_path_factory.mktemp("template")
    fresh_store(folder).close()
    return folder / "store.db"


def _run(template: Path, folder: Path, files: list[Path], *, ahead: bool, pipeline: bool = False) -> dict[str, Any]:
    """The files through one path in a copy of the store: what it holds afterwards and what the runs said."""
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "store.db"
    shutil.copy(template, db)
    conn = open_store(db)
    runs = []
    for path in files:
        run = FileProcessor(conn, RunSettings(NOW, AS_OF), read_ahead=ahead, pipeline=pipeline).run(path)
        runs.append((dict(run.outcomes), run.accepted, dict(run.rejected_codes), [o.file_name for o in run.outputs],
                     [o.content for o in run.outputs], [t.to_json() for t in run.transactions],
                     [i.code for i in run.issues], run.interchanges, run.duplicates, run.read_failure))  # fmt: skip
    state = dump(conn)
    conn.close()
    return {"runs": runs, "state": state}


def _same(template: Path, work: Path, files: list[Path]) -> None:
    assert _run(template, work / "ahead", files, ahead=True) == _run(template, work / "staged", files, ahead=False)


@pytest.fixture
def always_pipelined(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file, however small, read in the second process."""
    monkeypatch.setattr("edi.flows.inbound.reading.PIPELINE_BYTES", 0)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_leaves_what_deciding_at_the_close_leaves(template: Path, tmp_path: Path, path: Path) -> None:
    _same(template, tmp_path, [path])


def test_the_whole_drop_twice_leaves_what_deciding_at_the_close_leaves(template: Path, tmp_path: Path) -> None:
    drop = sorted(DROP.glob("*.edi"))
    _same(template, tmp_path, [*drop, *drop])  # the second time: duplicates (D7), resumed nothing


def test_full_response_and_notice_interchanges_keep_their_order_and_numbers(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("edi.flows.delivery.mailbag.PER_INTERCHANGE", 2)
    _same(template, tmp_path, sorted(DROP.glob("*.edi")))


def test_a_clean_interchange_is_never_decided_twice(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    staged: list[str] = []
    original = Interchange.process
    monkeypatch.setattr(Interchange, "process", lambda self, *a: (staged.append(self.ix.control_number),
                                                                  original(self, *a))[1])  # fmt: skip
    sets = [request("0001", "RQ-AHEAD-1", "1000000001"), request("0002", "RQ-AHEAD-2", "1000000002")]
    clean = tmp_path / "clean.edi"
    clean.write_text(interchange(777, sets))
    _run(template, tmp_path / "run", [clean], ahead=True)
    assert staged == []
    bad = tmp_path / "bad.edi"
    bad.write_text(interchange(778, sets).replace("GE*2*", "GE*7*"))
    _run(template, tmp_path / "run2", [bad], ahead=True)
    assert staged == ["000000778"]  # AK9 5: undone, then decided as staged


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.integers(0, 2**32 - 1))
def test_mutants_leave_what_deciding_at_the_close_leaves(template: Path, tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    seeds = [p.read_bytes() for p in sorted(DROP.glob("*.edi"))]
    path = tmp_path / f"mutant-{seed}.edi"
    path.write_bytes(mutate(fresh_control_numbers(rng.choice(seeds), seed % 1000), rng))
    _same(template, tmp_path / str(seed), [path])


@pytest.mark.usefixtures("always_pipelined")
@pytest.mark.parametrize("path", INPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_fixture_read_in_a_second_process_leaves_the_same(template: Path, tmp_path: Path, path: Path) -> None:
    piped = _run(template, tmp_path / "piped", [path], ahead=True, pipeline=True)
    assert piped == _run(template, tmp_path / "here", [path], ahead=False, pipeline=False)


@pytest.mark.usefixtures("always_pipelined")
def test_a_defect_in_the_reading_process_fails_the_file_and_changes_nothing(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(segments: object) -> None:
        raise ValueError("customer JANE DOE 1000000001")  # never to be repeated: the type only (H5)

    monkeypatch.setattr("edi.flows.inbound.table.parse_request", broken)
    db = tmp_path / "store.db"
    shutil.copy(template, db)
    conn = open_store(db)
    with pytest.raises(ReadingFailedError) as raised:
        FileProcessor(conn, RunSettings(NOW, AS_OF)).run(sorted(DROP.glob("*.edi"))[0])
    assert str(raised.value) == "ValueError while reading"
    assert conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 0
    assert not conn.in_transaction


@pytest.mark.usefixtures("always_pipelined")
def test_the_reading_process_dying_fails_the_file(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("edi.flows.inbound.table.parse_request", lambda segments: os._exit(9))
    conn = open_store(shutil.copy(template, tmp_path / "store.db"))
    with pytest.raises(ReadingFailedError, match="exit 9"):
        FileProcessor(conn, RunSettings(NOW, AS_OF)).run(sorted(DROP.glob("*.edi"))[0])
    assert conn.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 0


@pytest.mark.usefixtures("always_pipelined")
def test_an_input_read_error_in_the_reading_process_makes_the_file_unreadable(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Failing:
        def read(self, size: int = -1) -> bytes:
            raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr("edi.flows.inbound.reading._Input.__init__", lambda self, raw: setattr(self, "_raw", Failing()))
    conn = open_store(shutil.copy(template, tmp_path / "store.db"))
    run = FileProcessor(conn, RunSettings(NOW, AS_OF)).run(sorted(DROP.glob("*.edi"))[0])
    assert run.read_failure == "unreadable"
    assert [i.code for i in run.issues] == ["FILE:UNREADABLE"]


@pytest.mark.usefixtures("always_pipelined")
def test_a_stop_between_interchanges_ends_the_reading_process(template: Path, tmp_path: Path) -> None:
    two = tmp_path / "two.edi"
    two.write_text(interchange(881, [request("0001", "RQ-STOP-1", "1000000001")])
                   + interchange(882, [request("0001", "RQ-STOP-2", "1000000002")]))  # fmt: skip
    conn = open_store(shutil.copy(template, tmp_path / "store.db"))
    run = FileProcessor(conn, RunSettings(NOW, AS_OF), should_stop=lambda: True).run(two)
    assert run.stopped and run.interchanges == 1
    assert multiprocessing.active_children() == []


def test_the_997_text_is_written_after_the_filled_responses_are_stored(
    template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory: the 997 of a big clean interchange is never held while its filled response interchanges are made."""
    from edi.x12.acks import AckCollector

    monkeypatch.setattr("edi.flows.delivery.mailbag.PER_INTERCHANGE", 1)
    conn = open_store(shutil.copy(template, tmp_path / "store.db"))
    stored_before: list[int] = []
    write = AckCollector.write

    def watched(self: AckCollector, plan: Any) -> str:
        stored_before.append(conn.execute("SELECT count(*) FROM outbox WHERE kind = '814'").fetchone()[0])
        return write(self, plan)

    monkeypatch.setattr(AckCollector, "write", watched)
    sets = [request(f"{n:04d}", f"RQ-MEM-{n}", f"100000000{n}") for n in range(1, 5)]
    (tmp_path / "four.edi").write_text(interchange(991, sets))
    run = FileProcessor(conn, RunSettings(NOW, AS_OF)).run(tmp_path / "four.edi")
    responses = [o for o in run.outputs if o.kind == "814"]
    assert len(responses) == 4 and stored_before == [4]  # each filled while read: all stored before the 997 is made
    assert [o.kind for o in run.outputs][0] == "997"


def test_the_pipe_from_the_reading_process_holds_several_batches(tmp_path: Path) -> None:
    """Issue 13: with a pipe that held half a batch, the decider waited for every batch after each block."""
    generate(tmp_path / "drop.edi", BATCH)
    with open(tmp_path / "drop.edi", "rb") as raw:
        batch = [e for e in read_sets(raw, "drop.edi", ["111111111"], TABLES) if isinstance(e, SetRead)]
    assert len(batch) == BATCH
    receiver, sender = multiprocessing.get_context("fork").Pipe(duplex=False)
    with receiver, sender:
        _roomy(receiver)
        room = fcntl.fcntl(receiver.fileno(), fcntl.F_GETPIPE_SZ)
    assert room >= 4 * len(pickle.dumps(("events", batch), protocol=5))
