"""``sbo-edi store copy``: a store moves to the other engine whole, its audit chain verifying there, and works on."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from edi.commands import main
from edi.store.connection import open_store
from tests.goldens import EXAMPLE
from tests.pg import Cluster
from tests.store_helpers import dump

DROP = Path(__file__).resolve().parent.parent / "fixtures" / "drop"


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def _processed_store(work: Path) -> str:
    """A SQLite store that has processed the example drop (runs, files, outcomes, outbox: every kind of row)."""
    db = str(work / "store.db")
    assert _cli("init", "--db", db)[0] == 0
    for kind in ("suppliers", "calendar", "accounts"):
        assert _cli(kind, "import", str(EXAMPLE / f"{kind}.jsonl"), "--db", db)[0] == 0
    shutil.copytree(DROP, work / "inbox")
    code, _ = _cli("process", "--inbox", str(work / "inbox"), "--outbox", str(work / "outbox"), "--db", db,
                   "--settle", "0", "--now", "2026-11-02T09:30")  # fmt: skip
    assert code == 0
    return db


def _process_again(work: Path, db: str) -> dict[str, bytes]:
    """One more file (an enrollment drop sent again under a new name) and what it sent."""
    inbox, outbox = work / "inbox2", work / "outbox2"
    inbox.mkdir()
    first = sorted(DROP.glob("*.edi"))[1]
    (inbox / "again.edi").write_bytes(first.read_bytes().replace(b"*000000201", b"*000000901"))
    code, _ = _cli("process", "--inbox", str(inbox), "--outbox", str(outbox), "--db", db, "--settle", "0",
                   "--now", "2026-11-03T09:30")  # fmt: skip
    assert code == 0
    return {p.name: p.read_bytes() for p in sorted(outbox.iterdir())}


def test_a_store_copied_to_postgresql_verifies_and_works_on_as_the_original(
    tmp_path: Path, pg_cluster: Cluster
) -> None:
    url = pg_cluster.database(empty=True)
    db = _processed_store(tmp_path / "a")
    code, text = _cli("store", "copy", "--from", db, "--to", url)
    assert code == 0, text
    assert "audit trail intact on the copy: 18 outcome row(s)" in text
    assert dump(open_store(url)) == dump(open_store(db))
    assert _cli("verify-audit", "--db", url)[0] == 0
    code, text = _cli("verify", "--db", url, "--archive", str(tmp_path / "a" / "archive"))
    assert code == 0, text
    # The copy goes on exactly as the original would: new ids follow the copied ones, same answers byte for byte.
    assert _process_again(tmp_path / "a", url) == _process_again(tmp_path / "b", _copy_of(db, tmp_path / "b"))
    assert dump(open_store(url))["outcomes"] == dump(open_store(str(tmp_path / "b" / "store.db")))["outcomes"]


def _copy_of(db: str, folder: Path) -> str:
    """A SQLite copy of the store, made by ``store copy`` too (a WAL store is more than its main file)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = str(folder / "store.db")
    assert _cli("store", "copy", "--from", db, "--to", target)[0] == 0
    return target


def test_a_copy_back_to_sqlite_is_row_for_row_the_original(tmp_path: Path, pg_cluster: Cluster) -> None:
    url = pg_cluster.database(empty=True)
    db = _processed_store(tmp_path)
    assert _cli("store", "copy", "--from", db, "--to", url)[0] == 0
    back = str(tmp_path / "back.db")
    assert _cli("store", "copy", "--from", url, "--to", back)[0] == 0
    assert dump(open_store(back)) == dump(open_store(db))


def test_the_target_must_be_a_new_store(tmp_path: Path, pg_cluster: Cluster) -> None:
    url = pg_cluster.database(empty=True)
    db = _processed_store(tmp_path)
    assert _cli("store", "copy", "--from", db, "--to", url)[0] == 0
    before = dump(open_store(url))
    code, text = _cli("store", "copy", "--from", db, "--to", url)
    assert code == 2
    assert "not new" in text
    assert dump(open_store(url)) == before


def test_a_broken_chain_is_copied_as_found_and_named(tmp_path: Path, pg_cluster: Cluster) -> None:
    url = pg_cluster.database(empty=True)
    db = _processed_store(tmp_path)
    conn = open_store(db)
    conn.execute("UPDATE outcomes SET outcome = 'tampered' WHERE id = 4")
    code, text = _cli("store", "copy", "--from", db, "--to", url)
    assert code == 1
    assert "breaks at outcome row 4" in text
