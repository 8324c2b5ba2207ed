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

from edi.flows.cycle import close_cycle
from edi.flows.inbound import FileProcessor, RunSettings
from edi.flows.invoicing import Invoicer, direct_bills_jsonl
from edi.store.account_view import account_view
from edi.store.accounts import account_numbers
from edi.store.connection import open_store, transaction
from edi.store.snapshot import import_accounts, import_bills, import_calendar, import_res_payments, import_suppliers

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


def run_case(case: Case, reference: Path, clock: Callable[[], datetime] | None = None) -> dict[str, str]:
    """Run every step in a fresh store; returns each produced file's name and text, ``state.json`` included.

    A step without ``now`` runs on ``clock`` (the caller's real clock); its case should name volatile fields.
    """
    produced: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="sbo-edi-case-") as sandbox:
        conn = open_store(Path(sandbox) / "case.db")
        try:
            for name, loader in (("suppliers", import_suppliers), ("calendar", import_calendar)):
                own = case.folder / f"{name}.jsonl"
                loader(conn, own if own.exists() else reference / f"{name}.jsonl")
            import_accounts(conn, case.folder / "accounts.jsonl")
            last = date.min
            for step in case.steps:
                if "now" in step:
                    now = datetime.fromisoformat(step["now"])
                elif clock is not None:
                    now = clock()
                else:
                    raise ValueError(f"{case.name}: a step has no 'now' and no clock was given")
                last = date.fromisoformat(step["as_of"]) if "as_of" in step else now.date()
                if "replay" in step:
                    settings = RunSettings(now=now, as_of=date.fromisoformat(step.get("as_of", now.date().isoformat())))
                    run = FileProcessor(conn, settings).run(case.folder / step["replay"])
                    produced.update((o.file_name, o.content) for o in run.outputs)
                elif "bills_import" in step:
                    import_bills(conn, case.folder / step["bills_import"], now)
                elif "res_payments_import" in step:
                    import_res_payments(conn, case.folder / step["res_payments_import"])
                elif "invoice" in step:
                    start_text, _, end_text = step["invoice"]["period"].partition(":")
                    with transaction(conn) as tx:
                        result = Invoicer(tx, now).run(
                            int(step["invoice"]["group"]), date.fromisoformat(start_text), date.fromisoformat(end_text)
                        )
                    produced.update((o.file_name, o.content) for o in result.outputs)
                    produced[result.direct_bill_file] = direct_bills_jsonl(conn, result.key)
                    if result.errors:
                        produced[f"errors.{result.key.replace(':', '_')}.txt"] = "\n".join(result.errors) + "\n"
                elif "cycle_close" in step:
                    close = step["cycle_close"]
                    with transaction(conn) as tx:
                        closed = close_cycle(tx, int(close["group"]), date.fromisoformat(close["date"]), now)
                    produced.update((o.file_name, o.content) for o in closed.outputs)
                else:
                    raise ValueError(f"{case.name}: unknown step {sorted(step)}")
            state = {n: account_view(conn, n, last) for n in account_numbers(conn)}
            produced[STATE_FILE] = json.dumps(state, indent=2, sort_keys=True) + "\n"
        finally:
            conn.close()
    return produced


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
