"""Issue 12, the last pieces: one time zone (O8) and the configuration file (O9); each failed on the code before."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import main
from edi.store.connection import open_store
from edi.store.seal import verify_chain
from scripts.make_example_data import interchange, request
from tests.batch_helpers import prepared_store
from tests.store_helpers import undo_migration_12

ARREARS = "1000000004"  # the example account with a past-due amount (R3)


def _drop(inbox: Path, *sets: list[str], control: int = 801) -> None:
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / f"drop{control}.edi").write_text(interchange(control, list(sets)))


def _run(args: list[str], config: Path | None = None, **env: str) -> Result:
    full_env = {"SBO_EDI_CONFIG": str(config) if config else "", "SBO_EDI_DB": "", **env}
    return CliRunner().invoke(main, args, env=full_env)


def _process(tmp_path: Path, *extra: str, config: Path | None = None) -> Result:
    folders = ["--inbox", str(tmp_path / "inbox"), "--outbox", str(tmp_path / "outbox"), "--settle", "0"]
    folders = folders if config is None else []
    return _run(["process", *folders, "--now", "2026-11-02T09:30", "--as-of", "2026-11-02", *extra], config)


def _file_times(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT received_at FROM files UNION ALL SELECT processed_at FROM outcomes")]
    finally:
        conn.close()


# O8: one time zone


def test_o8_stored_and_printed_times_are_utc_and_x12_dates_are_the_utilitys(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    _drop(tmp_path / "inbox", request("0001", "TZ1", ARREARS, blt="DUAL", pc="DUAL"))
    result = _process(tmp_path, "--db", str(db))
    assert result.exit_code == 0, result.output
    # 09:30 Central on 2 November 2026 (CST, UTC-6) is 15:30 UTC: stored that way, with its Z
    assert set(_file_times(db)) == {"2026-11-02T15:30:00Z"}
    status = _run(["status", "--db", str(db), "--json", "--now", "2026-11-02T09:31"])
    assert json.loads(status.output)["checked_at"] == "2026-11-02T15:31:00Z"
    explained = _run(["explain", "TZ1", "--db", str(db)])
    assert "2026-11-02T15:30:00Z" in explained.output and "09:30:00" not in explained.output
    # the envelope dates stay the utility's wall clock: ISA09 261102, ISA10 0930
    (ack,) = (tmp_path / "outbox").glob("*.997")
    assert ack.read_text().split("*")[9:11] == ["261102", "0930"]


def test_o8_the_configured_zone_places_the_clock(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    config = tmp_path / "sbo-edi.toml"
    config.write_text('timezone = "America/New_York"\n[process]\nsettle_seconds = 0\n')
    _drop(tmp_path / "inbox", request("0001", "TZ2", ARREARS, blt="DUAL", pc="DUAL"))
    assert _process(tmp_path, "--db", str(db), "--inbox", str(tmp_path / "inbox"), "--outbox",
                    str(tmp_path / "outbox"), config=config).exit_code == 0  # fmt: skip
    assert set(_file_times(db)) == {"2026-11-02T14:30:00Z"}  # 09:30 Eastern


@pytest.fixture
def central_machine() -> Iterator[None]:
    """The machine's own zone set to Central, as the old code read it with datetime.now()."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/Chicago"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def _as_version_10(db: Path, *, tamper: bool) -> None:
    """Turn a store back into what version 10 wrote: naive machine-local times, resealed as then."""
    conn = sqlite3.connect(db)
    conn.execute("UPDATE files SET received_at = strftime('%Y-%m-%dT%H:%M:%S', received_at, 'localtime')")
    conn.execute("UPDATE outcomes SET processed_at = strftime('%Y-%m-%dT%H:%M:%S', processed_at, 'localtime')")
    from edi.store.seal import reseal_chain

    reseal_chain(conn)
    if tamper:
        conn.execute("UPDATE outcomes SET outcome = 'accepted' WHERE id = 1")
    undo_migration_12(conn)  # what migration 12 added: not there in 10
    conn.execute("PRAGMA user_version = 10")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("tamper", [False, True])
def test_o8_migration_11_moves_old_local_times_to_utc(tmp_path: Path, central_machine: None, tamper: bool) -> None:
    db = prepared_store(tmp_path / "s")
    _drop(tmp_path / "inbox", request("0001", "TZ3", ARREARS), request("0002", "TZ4", ARREARS, blt="DUAL", pc="DUAL"))
    assert _process(tmp_path, "--db", str(db)).exit_code == 0  # an A13 reject is an outcome, not a problem
    _as_version_10(db, tamper=tamper)
    assert "2026-11-02T09:30:00" in _file_times(db)
    conn = open_store(db)  # migration 11 runs here
    received = [r[0] for r in conn.execute("SELECT received_at FROM files")]
    processed = {r[0] for r in conn.execute("SELECT processed_at FROM outcomes")}
    checked, broken = verify_chain(conn)
    assert received == ["2026-11-02T15:30:00Z"]
    if tamper:  # a chain broken before the migration is left exactly as found, for verify-audit to name (F7)
        assert broken == 1 and processed == {"2026-11-02T09:30:00"}
    else:
        assert broken is None and checked == 2 and processed == {"2026-11-02T15:30:00Z"}


# O9: the configuration file


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "sbo-edi.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


FULL = """
store = "../s/store.db"
[folders]
inbox = "../inbox"
outbox = "../outbox"
[process]
settle_seconds = 0
[policy]
arrears_text = "PAST DUE BALANCE - SBO NOT AVAILABLE"
"""


def test_o9_the_file_supplies_folders_store_and_policy(tmp_path: Path) -> None:
    prepared_store(tmp_path / "s")
    config = _config(tmp_path, FULL)
    _drop(tmp_path / "inbox", request("0001", "CF1", ARREARS))
    result = _process(tmp_path, config=config)  # no --inbox, --outbox or --db: all from the file
    assert result.exit_code == 0, result.output
    (response,) = (tmp_path / "outbox").glob("*.814")
    assert "REF*7G*A13*PAST DUE BALANCE - SBO NOT AVAILABLE~" in response.read_text()  # D2's text is the file's


def test_o9_flags_override_the_file(tmp_path: Path) -> None:
    prepared_store(tmp_path / "s")
    other = prepared_store(tmp_path / "other")
    config = _config(tmp_path, FULL)
    _drop(tmp_path / "inbox", request("0001", "CF2", ARREARS, blt="DUAL", pc="DUAL"))
    assert _process(tmp_path, "--db", str(other), config=config).exit_code == 0
    assert _file_times(other) and not _file_times(tmp_path / "s" / "store.db")


def test_o9_config_show_says_what_is_in_force_and_where_from(tmp_path: Path) -> None:
    config = _config(tmp_path, FULL)
    shown = _run(["config", "show", "--json"], config)
    assert shown.exit_code == 0, shown.output
    keys = {row["key"]: row for row in json.loads(shown.output)["keys"]}
    inbox = os.path.normpath(config.parent / "../inbox")  # read from the file's folder
    assert keys["folders.inbox"] == {"key": "folders.inbox", "value": inbox, "source": str(config)}
    assert keys["timezone"] == {"key": "timezone", "value": "America/Chicago", "source": "built-in default"}
    assert keys["process.settle_seconds"]["value"] == 0.0
    from_env = _run(["config", "show"], config, SBO_EDI_DB="/srv/edi/store.db")
    assert 'store = "/srv/edi/store.db"    # $SBO_EDI_DB' in from_env.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[folder]\ninbox = 'x'\n", "unknown key 'folder.inbox'"),
        ("[process]\nsettle_seconds = 'five'\n", "process.settle_seconds must be a float"),
        ("timezone = 'Mars/Olympus'\n", "unknown time zone 'Mars/Olympus'"),
        ("store = \n", "not readable TOML"),
    ],
)
def test_o9_a_bad_file_is_a_usage_error_never_ignored(tmp_path: Path, text: str, message: str) -> None:
    result = _run(["status"], _config(tmp_path, text))
    assert result.exit_code == 2 and message in result.output, result.output


def test_o9_a_named_file_must_exist(tmp_path: Path) -> None:
    result = _run(["status"], tmp_path / "missing.toml")
    assert result.exit_code == 2 and "is not a file" in result.output


def test_o9_the_store_the_file_names_is_created_with_its_identity(tmp_path: Path) -> None:
    config = _config(tmp_path, FULL + '[identity]\nutility_duns = "111111111"\nutility_name = "AMEREN IL"\n')
    (tmp_path / "inbox").mkdir()
    assert _process(tmp_path, config=config).exit_code == 0  # the first process creates the store it names
    settings = _run(["settings", "show"], config)
    assert "utility_name = AMEREN IL" in settings.output
    named = _run(["status", "--db", str(tmp_path / "typo.db")], config)
    assert named.exit_code == 2 and not (tmp_path / "typo.db").exists()  # a flag never creates one


def test_o9_process_refuses_a_store_whose_identity_differs(tmp_path: Path) -> None:
    prepared_store(tmp_path / "s")
    config = _config(tmp_path, FULL + '[identity]\nutility_duns = "999999999"\n')
    _drop(tmp_path / "inbox", request("0001", "CF3", ARREARS))
    result = _process(tmp_path, config=config)
    assert result.exit_code == 2 and "utility_duns" in result.output
    assert not (tmp_path / "outbox").exists() or not any((tmp_path / "outbox").iterdir())


def test_o9_the_example_file_documents_every_key(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parent.parent / "fixtures" / "example" / "sbo-edi.toml"
    shown = _run(["config", "show", "--json"], example)
    assert shown.exit_code == 0, shown.output
    sources = {row["key"]: row["source"] for row in json.loads(shown.output)["keys"]}
    assert sources == {key: str(example) for key in sources}  # every key is set there, none left to a default
