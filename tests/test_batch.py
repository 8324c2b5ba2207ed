"""sbo-edi process: intake rules, dispositions, duplicates, resumption, hostile input (docs/codes.md: A, B, F cases)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from edi.batch.lock import BatchError, StoreLock
from scripts.make_example_data import DROP, interchange, request
from tests.batch_helpers import copy_store, folder_state, folders, prepared_store, process, store_state


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepared_store(tmp_path_factory.mktemp("template"))


@pytest.fixture()
def db(template: Path, tmp_path: Path) -> Path:
    from tests.batch_helpers import copy_store

    return copy_store(template, tmp_path / "db")


def _drop(f: object, names: list[str] | None = None) -> None:
    for path in sorted(DROP.glob("*.edi")):
        if names is None or path.name in names:
            shutil.copy(path, f.inbox / path.name)  # type: ignore[attr-defined]


def test_example_drop_is_processed_archived_and_answered(db: Path, tmp_path: Path) -> None:
    f = folders(tmp_path)
    _drop(f)
    summary = process(db, f)
    assert (summary.files, summary.archived, summary.quarantined) == (4, 4, 0)
    assert summary.transactions == 18 and summary.accepted == 13  # 12 enrollments (a switch, D9), drop, change, cancel
    assert dict(summary.rejected) == {"008": 1, "A13": 1, "NFI": 1}
    assert os.listdir(f.inbox) == []
    assert sorted(os.listdir(f.outbox)) == sorted(
        [
            "222222222.000000003.997",
            "222222222.000000004.814",
            "4444444440001.000000005.814-drop",  # D9: Lakeside loses an account to Prairie
            "222222222.000000006.997",
            "222222222.000000007.ta1",
            "4444444440001.000000001.997",
            "4444444440001.000000002.814",
        ]
    )
    assert all(not name.startswith(".") for name in os.listdir(f.outbox))
    assert oct(os.stat(f.outbox / "222222222.000000004.814").st_mode & 0o777) == "0o640"
    before = store_state(db), folder_state(f.outbox)
    again = process(db, f)
    assert again.files == 0 and (store_state(db), folder_state(f.outbox)) == before


def test_partner_resend_of_the_same_bytes_gets_ta1_025_and_changes_nothing(db: Path, tmp_path: Path) -> None:
    f = folders(tmp_path)
    _drop(f, ["prairie_power_20261102_01.edi"])
    process(db, f)
    accounts_before = {t: v for t, v in store_state(db).items() if t in ("accounts", "supply", "timeline")}
    _drop(f, ["prairie_power_20261102_01.edi"])
    summary = process(db, f)
    assert summary.duplicates == 1 and summary.archived == 1
    ta1 = [p for p in f.outbox.iterdir() if p.suffix == ".ta1"]
    assert len(ta1) == 1 and "TA1*000000201*261102*0900*R*025~" in ta1[0].read_text()
    assert {t: v for t, v in store_state(db).items() if t in ("accounts", "supply", "timeline")} == accounts_before


class Crash(Exception):
    """Stands for the process dying at a failpoint (the SIGKILL tests do it for real)."""


def _raise_at(point: str):
    def hit(name: str) -> None:
        if name == point:
            raise Crash(point)

    return hit


def test_our_rerun_after_the_disposition_commit_just_finishes_the_move(db: Path, tmp_path: Path) -> None:
    f = folders(tmp_path)
    _drop(f, ["prairie_power_20261102_01.edi"])
    first = process(db, f, failpoint=_raise_at("before_inbox_move"))
    assert first.failed == 1 and os.listdir(f.inbox) == ["prairie_power_20261102_01.edi"]
    outbox_before = folder_state(f.outbox)
    second = process(db, f)
    assert second.resumed_files == 1 and second.duplicates == 0
    assert os.listdir(f.inbox) == [] and folder_state(f.outbox) == outbox_before  # no TA1 025, nothing new


def test_temporary_names_and_markers_are_never_taken(db: Path, tmp_path: Path) -> None:
    f = folders(tmp_path)
    text = interchange(5, [request("0001", "TMP1", "1000000001")])
    for name in (".hidden.edi", "a.tmp", "b.part", "c.filepart", "orphan.edi.done", "d.PART"):
        (f.inbox / name).write_text(text)
    (f.inbox / "sub").mkdir()
    summary = process(db, f)
    assert summary.files == 0
    assert sorted(os.listdir(f.inbox)) == sorted(
        [".hidden.edi", "a.tmp", "b.part", "c.filepart", "orphan.edi.done", "d.PART", "sub"]
    )


def test_a_file_is_taken_only_once_settled_or_marked_done(db: Path, tmp_path: Path) -> None:
    f = folders(tmp_path)
    path = f.inbox / "fresh.edi"
    path.write_text(interchange(6, [request("0001", "SET1", "1000000001")]))
    mtime = path.stat().st_mtime
    waiting = process(db, f, wall_clock=lambda: mtime + 1, settle_seconds=5)
    assert waiting.files == 0 and waiting.settling == 1 and path.exists()
    (f.inbox / "fresh.edi.done").write_text("")
    marked = process(db, f, wall_clock=lambda: mtime + 1, settle_seconds=5)
    assert marked.archived == 1 and os.listdir(f.inbox) == []


def test_a_second_processor_on_the_same_store_is_refused(db: Path) -> None:
    with StoreLock(db), pytest.raises(BatchError, match="another sbo-edi process"), StoreLock(db):
        pass
    with StoreLock(db):  # released: usable again
        pass


def test_a_file_failing_every_time_is_quarantined_after_three_attempts(db: Path, tmp_path: Path) -> None:
    f = folders(tmp_path)
    (f.inbox / "a_poison.edi").write_text(interchange(7, [request("0001", "P1", "1000000001")]))
    (f.inbox / "b_good.edi").write_text(interchange(8, [request("0001", "G1", "1000000005")]))

    def poison(name: str) -> None:
        if name == "rules_applied" and not (f.inbox / "b_good.edi").exists():
            raise Crash("poison")

    first = process(db, f, failpoint=poison)
    assert first.failed == 0 and first.archived == 2  # the good file was first to be judged: both fine
    (f.inbox / "c_poison.edi").write_text(interchange(9, [request("0001", "P2", "1000000002")]))
    (f.inbox / "d_good.edi").write_text(interchange(10, [request("0001", "G2", "1000000003")]))
    always = _raise_at("rules_applied")
    results = [process(db, f, failpoint=always) for _ in range(3)]
    assert [r.failed for r in results] == [2, 2, 2]
    last = process(db, f, failpoint=always)
    assert last.quarantined == 2 and os.listdir(f.inbox) == []
    reasons = [p.read_text() for p in f.quarantine.glob("*.reason")]
    assert len(reasons) == 2 and all("stopped 3 times" in r for r in reasons)


def test_stop_between_interchanges_leaves_the_rest_for_the_next_run(db: Path, tmp_path: Path, template: Path) -> None:
    from edi.batch.processor import BatchProcessor
    from edi.store.connection import open_store
    from tests.batch_helpers import copy_store, settings

    two = interchange(11, [request("0001", "S1", "1000000001")]) + interchange(
        12, [request("0001", "S2", "1000000005")]
    )
    f = folders(tmp_path / "stopped")
    (f.inbox / "two.edi").write_text(two)
    conn = open_store(db)
    stops = iter([False, True, True, True])
    summary = BatchProcessor(conn, f, settings(), should_stop=lambda: next(stops, True)).run_once()
    conn.close()
    assert summary.files == 0 and os.listdir(f.inbox) == ["two.edi"]
    process(db, f)
    clean_db = copy_store(template, tmp_path / "clean")
    g = folders(tmp_path / "clean_run")
    (g.inbox / "two.edi").write_text(two)
    process(clean_db, g)
    assert store_state(db) == store_state(clean_db)
    assert folder_state(f.outbox) == folder_state(g.outbox)


def _hostile(inbox: Path) -> dict[str, str]:
    """Every kind of bad entry, by name, with the words its reason must contain."""
    (inbox / "zero.edi").write_bytes(b"")
    (inbox / "binary.edi").write_bytes(bytes(range(256)) * 64)
    with open(inbox / "huge.edi", "wb") as handle:  # 1 GB, sparse: costs no disk
        handle.truncate(1024 * 1024 * 1024)
    text = interchange(21, [request("0001", "L1", "1000000001", res_account="X" * (10 * 1024 * 1024))])
    (inbox / "segment.edi").write_text(text)
    (inbox / "utf16.edi").write_bytes(interchange(22, [request("0001", "U1", "1000000001")]).encode("utf-16"))
    (inbox / "line\nbreak.edi").write_bytes(b"\x00\x01garbage")
    os.symlink("/etc/passwd", inbox / "link.edi")
    os.mkfifo(inbox / "pipe.edi")
    os.close(os.open(os.fsencode(inbox) + b"/caf\xe9.edi", os.O_CREAT | os.O_WRONLY, 0o600))
    return {
        "zero.edi": "FILE:EMPTY",
        "binary.edi": "NOT_X12",
        "huge.edi": "over the",
        "segment.edi": "SEGMENT_TOO_LONG",
        "utf16.edi": "NOT_X12",
        "line\\x0abreak.edi": "NOT_X12",
        "link.edi": "symbolic link",
        "pipe.edi": "not a regular file",
        "caf\\xe9.edi": "EMPTY",
    }


def test_hostile_inputs_are_quarantined_with_reasons_and_the_good_file_is_processed(db: Path, tmp_path: Path) -> None:
    f = folders(tmp_path)
    expected = _hostile(f.inbox)
    _drop(f, ["lakeside_energy_20261102_01.edi"])
    summary = process(db, f)
    assert summary.archived == 1 and summary.quarantined == len(expected)
    assert os.listdir(f.inbox) == []
    reasons = {}
    for reason_file in f.quarantine.glob("*.reason"):
        text = reason_file.read_text()
        original = text.splitlines()[0].removeprefix("original name: ")
        reasons[original] = text
        assert (f.quarantine / reason_file.name.removesuffix(".reason")).exists() or os.path.islink(
            f.quarantine / reason_file.name.removesuffix(".reason")
        )
    assert set(reasons) == set(expected)
    for name, words in expected.items():
        assert words in reasons[name], (name, reasons[name])
    assert os.path.islink(
        next(p for p in f.quarantine.iterdir() if p.name.endswith("entry.quarantined") and os.path.islink(p))
    )
    assert any(p.name.endswith(".997") for p in f.outbox.iterdir())
    assert (f.outbox.parent / "inbox").exists() and Path("/etc/passwd").exists()


def test_interchange_level_cases_in_one_file(db: Path, tmp_path: Path) -> None:
    """B6 the same ISA13 twice in a file, B7 not addressed to us, B11 one bad interchange among good ones,
    D3 two enrollments for one account in one batch (the second is not first in)."""
    f = folders(tmp_path)
    first = interchange(
        51, [request("0001", "B61", "1000000001"), request("0002", "B62", "1000000001", blt="DUAL", pc="DUAL")]
    )
    again = interchange(51, [request("0001", "B63", "1000000005")])
    not_us = interchange(52, [request("0001", "B71", "1000000003")]).replace(
        "*01*111111111      *", "*01*999999999      *", 1
    )
    truncated = "\n".join(interchange(53, [request("0001", "B111", "1000000002")]).splitlines()[:-1]) + "\n"
    good_after = interchange(54, [request("0001", "B112", "1000000006")])
    (f.inbox / "mixed.edi").write_text(first + again + not_us + truncated + good_after)
    summary = process(db, f)
    assert summary.archived == 1 and summary.interchanges == 5 and summary.duplicates == 1
    outcomes = {
        (r[0], r[1]) for r in __import__("sqlite3").connect(db).execute("SELECT request_id, outcome FROM outcomes")
    }
    ta1 = {p.read_text().split("TA1*", 1)[1].split("~", 1)[0] for p in f.outbox.iterdir() if "TA1*" in p.read_text()}
    assert any(t.startswith("000000051") and t.endswith("R*025") for t in ta1)
    assert any(t.startswith("000000052") and t.endswith("R*009") for t in ta1)
    assert any(t.startswith("000000053") and t.endswith("R*023") for t in ta1)
    assert ("B61", "accepted") in outcomes and ("B62", "rejected") in outcomes  # NFI for the second
    assert ("B112", "accepted") in outcomes  # the good interchange after the bad one is processed
    rejected = "".join(p.read_text() for p in f.outbox.iterdir() if p.suffix == ".814")
    assert "REF*7G*NFI*" in rejected
    from edi.store.account_view import account_view
    from edi.store.connection import open_store

    conn = open_store(db)
    untouched = account_view(conn, "1000000003", __import__("datetime").date(2026, 11, 2))
    assert untouched is not None and untouched["budget"]["active"] is True  # B7: nothing processed


def test_an_unregistered_sender_gets_nothing_back_and_the_file_is_quarantined(db: Path, tmp_path: Path) -> None:
    """B7: no TA1 or 997 to an address taken from the file; no account touched; every set has its outcome."""
    f = folders(tmp_path)
    stranger = interchange(71, [request("0001", "X1", "1000000001")]).replace("222222222      ", "999999999      ")
    (f.inbox / "stranger.edi").write_text(stranger)
    before = {t: v for t, v in store_state(db).items() if t in ("accounts", "supply", "timeline")}
    summary = process(db, f)
    assert summary.quarantined == 1 and os.listdir(f.outbox) == []
    reason = next(f.quarantine.glob("*.reason")).read_text()
    assert "not a registered RES" in reason
    after = store_state(db)
    assert {t: v for t, v in after.items() if t in ("accounts", "supply", "timeline")} == before
    assert [row[7] for row in after["outcomes"]] == ["not processed: the sender is not a registered RES"]


def test_i4_a_crash_after_an_unregistered_senders_interchange_keeps_its_quarantine(db: Path, tmp_path: Path) -> None:
    stranger = ("STRANGER ENERGY", "999999999")
    text = interchange(31, [request("0001", "S1", "1000000001", supplier=stranger)], sender=stranger)
    uninterrupted = folders(tmp_path / "u")
    (uninterrupted.inbox / "stranger.edi").write_text(text)
    reference = process(copy_store(db, tmp_path / "u-store"), uninterrupted)
    assert reference.quarantined == 1 and reference.archived == 0
    f = folders(tmp_path / "c")
    (f.inbox / "stranger.edi").write_text(text)
    crashed_db = copy_store(db, tmp_path / "c-store")
    first = process(crashed_db, f, failpoint=_raise_at("interchange_committed"))
    assert first.failed == 1 and os.listdir(f.inbox) == ["stranger.edi"]
    second = process(crashed_db, f)
    assert (second.quarantined, second.archived) == (1, 0)
    assert [p.name.endswith(".reason") for p in sorted(f.quarantine.iterdir())] == [False, True]
    assert "not a registered RES" in next(f.quarantine.glob("*.reason")).read_text()
