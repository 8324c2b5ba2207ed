"""Golden cases: a folder with an account snapshot and inbound files, run in a sandbox store with a fixed clock.

A case folder holds ``case.json`` (description, what it covers, the steps), ``accounts.jsonl`` (the snapshot it
starts from), optionally its own ``suppliers.jsonl`` and ``calendar.jsonl`` (else the shared reference data), the
inbound files under ``in/``, and the expected results under ``expected/``: every output file by its outbox name,
and ``state.json``, the account view of every account in the store after the last step.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from edi.flows.inbound import FileProcessor, RunSettings
from edi.flows.outbound import Invoicer, close_cycle, direct_bills_jsonl, final
from edi.store.account_view import account_view
from edi.store.accounts import account_numbers
from edi.store.connection import Db, open_store, transaction
from edi.store.snapshot import import_accounts, import_bills, import_calendar, import_res_payments, import_suppliers
from edi.times import in_zone, zone

STATE_FILE = "state.json"


@dataclass(frozen=True)
class Case:
    """One case as read from its folder."""

    folder: Path
    description: str
    covers: tuple[str, ...]
    steps: tuple[dict[str, Any], ...]
    volatile: frozenset[str] = frozenset()  # element references (ISA13, BGN03, ...) not compared

    @property
    def name(self) -> str:
        """The folder name."""
        return self.folder.name


def load_case(folder: Path) -> Case:
    """Read ``case.json``."""
    meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    return Case(
        folder,
        meta["description"],
        tuple(meta.get("covers", ())),
        tuple(meta["steps"]),
        frozenset(meta.get("volatile", ())),
    )


Step = Callable[[Db, Case, dict[str, Any], datetime], dict[str, str]]  # runs one step, returns what it produced


def _replay(conn: Db, case: Case, step: dict[str, Any], now: datetime) -> dict[str, str]:
    settings = RunSettings(now=now, as_of=date.fromisoformat(step.get("as_of", now.date().isoformat())))
    return {o.file_name: o.content for o in FileProcessor(conn, settings).run(case.folder / step["replay"]).outputs}


def _bills_import(conn: Db, case: Case, step: dict[str, Any], now: datetime) -> dict[str, str]:
    import_bills(conn, case.folder / step["bills_import"], now)
    return {}


def _res_payments_import(conn: Db, case: Case, step: dict[str, Any], now: datetime) -> dict[str, str]:
    import_res_payments(conn, case.folder / step["res_payments_import"])
    return {}


def _invoice(conn: Db, case: Case, step: dict[str, Any], now: datetime) -> dict[str, str]:
    start, _, end = step["invoice"]["period"].partition(":")
    with transaction(conn) as tx:
        run = Invoicer(tx, now).run(int(step["invoice"]["group"]), date.fromisoformat(start), date.fromisoformat(end))
    produced = {o.file_name: o.content for o in run.outputs}
    produced[run.direct_bill_file] = direct_bills_jsonl(conn, run.key)
    if run.errors:
        produced[f"errors.{run.key.replace(':', '_')}.txt"] = "\n".join(run.errors) + "\n"
    return produced


def _cycle_close(conn: Db, case: Case, step: dict[str, Any], now: datetime) -> dict[str, str]:
    close = step["cycle_close"]
    with transaction(conn) as tx:
        closed = close_cycle(tx, int(close["group"]), date.fromisoformat(close["date"]), now)
    return {o.file_name: o.content for o in closed.outputs}


def _final(conn: Db, case: Case, step: dict[str, Any], now: datetime) -> dict[str, str]:
    with transaction(conn) as tx:
        notice = final(tx, step["final"]["account"], date.fromisoformat(step["final"]["date"]), now)
    return {notice.file_name: notice.content} if notice else {}


STEPS: dict[str, Step] = {
    "replay": _replay,
    "bills_import": _bills_import,
    "res_payments_import": _res_payments_import,
    "invoice": _invoice,
    "cycle_close": _cycle_close,
    "final": _final,
}


def _step_clock(case: Case, step: dict[str, Any], clock: Callable[[], datetime] | None) -> datetime:
    if "now" in step:
        return in_zone(datetime.fromisoformat(step["now"]), zone())  # wall-clock time at the utility (O8)
    if clock is None:
        raise ValueError(f"{case.name}: a step has no 'now' and no clock was given")
    return clock()


def _run_steps(conn: Db, case: Case, reference: Path, clock: Callable[[], datetime] | None) -> dict[str, str]:
    """Load the case's starting state, run its steps, and add the state of every account afterwards."""
    for name, loader in (("suppliers", import_suppliers), ("calendar", import_calendar)):
        own = case.folder / f"{name}.jsonl"
        loader(conn, own if own.exists() else reference / f"{name}.jsonl")
    import_accounts(conn, case.folder / "accounts.jsonl")
    produced: dict[str, str] = {}
    last = date.min
    for step in case.steps:
        now = _step_clock(case, step, clock)
        last = date.fromisoformat(step["as_of"]) if "as_of" in step else now.date()
        kind = next((k for k in STEPS if k in step), None)
        if kind is None:
            raise ValueError(f"{case.name}: unknown step {sorted(step)}")
        produced.update(STEPS[kind](conn, case, step, now))
    state = {n: account_view(conn, n, last) for n in account_numbers(conn)}
    produced[STATE_FILE] = json.dumps(state, indent=2, sort_keys=True) + "\n"
    return produced


def run_case(case: Case, reference: Path, clock: Callable[[], datetime] | None = None,
             store: str | None = None) -> dict[str, str]:  # fmt: skip
    """Run every step in a fresh store; returns each produced file's name and text, ``state.json`` included.

    A step without ``now`` runs on ``clock`` (the caller's real clock); its case should name volatile fields.
    ``store`` is an empty store to use instead of a new SQLite file (a PostgreSQL database's URL).
    """
    with tempfile.TemporaryDirectory(prefix="sbo-edi-case-") as sandbox:
        conn = open_store(store or Path(sandbox) / "case.db")
        try:
            return _run_steps(conn, case, reference, clock)
        finally:
            conn.close()


def expected_files(case: Case) -> dict[str, str]:
    """What ``expected/`` holds."""
    folder = case.folder / "expected"
    if not folder.is_dir():
        return {}
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir()) if p.is_file()}


def write_expected(case: Case, produced: dict[str, str]) -> None:
    """Replace ``expected/`` with what the case produced (for review in the diff)."""
    folder = case.folder / "expected"
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in produced.items():
        (folder / name).write_text(text, encoding="utf-8")
