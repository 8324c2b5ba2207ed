"""Partner mode: a RES's own test files checked against the guides and played against a sandbox store."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from edi.flows.delivery import Output, write_outputs
from edi.flows.inbound import FileProcessor, RunSettings, TransactionReport
from edi.guides.files import validate_file
from edi.guides.reference import pyx12_verdicts
from edi.naming import safe_stem
from edi.store.connection import Db, open_store
from edi.store.snapshot import import_accounts, import_calendar, import_suppliers
from edi.x12.acks import AckSettings, CountingControlNumbers


def default_reference(name: str) -> Path:
    """Partner mode's default ``suppliers.jsonl`` or ``calendar.jsonl``, shipped inside the package."""
    return Path(str(resources.files("edi.conformance").joinpath("reference", name)))


@dataclass
class PartnerFile:
    """What the utility would say about one partner file."""

    path: Path
    problems: list[str] = field(default_factory=list)
    pyx12: dict[str, str] = field(default_factory=dict)  # "GS06/ST02" -> A or R, when asked
    pyx12_failure: str = ""
    disagreements: list[str] = field(default_factory=list)
    transactions: list[TransactionReport] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No problem found by our validation."""
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        """The machine view."""
        return {
            "file": str(self.path),
            "clean": self.clean,
            "problems": self.problems,
            "pyx12": self.pyx12,
            "pyx12_failure": self.pyx12_failure,
            "disagreements": self.disagreements,
            "transactions": [t.to_json() for t in self.transactions],
            "outputs": [o.file_name for o in self.outputs],
        }


def check_partner_files(files: list[Path], accounts: Path, suppliers: Path | None, calendar: Path | None, *,
                        now: datetime, as_of: date, with_pyx12: bool = False,
                        out_dir: Path | None = None) -> list[PartnerFile]:  # fmt: skip
    """Validate each file (ours, and pyx12's opinion if asked), then play it against a fresh sandbox store."""
    with tempfile.TemporaryDirectory(prefix="sbo-edi-partner-") as sandbox:
        conn = open_store(Path(sandbox) / "sandbox.db")
        try:
            import_suppliers(conn, suppliers or default_reference("suppliers.jsonl"))
            import_calendar(conn, calendar or default_reference("calendar.jsonl"))
            import_accounts(conn, accounts)
            results = [_check_one(conn, path, now, as_of, with_pyx12) for path in files]
        finally:
            conn.close()
    if out_dir is not None:
        write_partner_outputs(results, out_dir)
    return results


def _check_one(conn: Db, path: Path, now: datetime, as_of: date, with_pyx12: bool) -> PartnerFile:
    """One file: our problems, what we would answer per transaction, and pyx12's verdicts beside ours."""
    result = PartnerFile(path)
    report = validate_file(path, AckSettings(now, CountingControlNumbers(1, 1)))
    result.problems = [issue.describe() for issue in report.issues]
    run = FileProcessor(conn, RunSettings(now=now, as_of=as_of)).run(path)
    ours = {f"{t.group}/{t.st02}": "R" if t.outcome.refused else "A" for t in run.transactions}
    result.transactions, result.outputs = run.transactions, run.outputs
    if with_pyx12:
        verdict = pyx12_verdicts(path)
        result.pyx12_failure = verdict.failure
        result.pyx12 = {f"{g}/{s}": v for (g, s), v in verdict.verdicts.items()}
        differ = [(key, value) for key, value in sorted(result.pyx12.items()) if key in ours and ours[key] != value]
        result.disagreements = [f"{key}: sbo-edi {ours[key]}, pyx12 {value}" for key, value in differ]
    return result


def write_partner_outputs(results: list[PartnerFile], out_dir: Path) -> None:
    """What we would send, one folder per partner file (named from its filtered stem, F1)."""
    for result in results:
        write_outputs(result.outputs, out_dir / safe_stem(result.path.name))


def partner_lines(results: list[PartnerFile]) -> str:
    """Per file: the verdict, the problems, pyx12's opinion, and per transaction what the utility would answer."""
    lines = []
    for r in results:
        lines.append(f"{r.path}: {'clean' if r.clean else f'{len(r.problems)} problem(s)'}")
        lines.extend(f"  problem: {p}" for p in r.problems)
        if r.pyx12_failure:
            lines.append(f"  pyx12 could not read it: {r.pyx12_failure}")
        elif r.pyx12:
            agree = "agrees" if not r.disagreements else f"disagrees on {len(r.disagreements)} set(s)"
            lines.append(f"  pyx12 {agree}: " + ", ".join(f"{k} {v}" for k, v in sorted(r.pyx12.items())))
            lines.extend(f"    {d}" for d in r.disagreements)
        for t in r.transactions:
            lines.append("  " + t.describe().replace("\n", "\n  "))
        if r.outputs:
            lines.append("  we would send: " + ", ".join(o.file_name for o in r.outputs))
    clean = sum(1 for r in results if r.clean)
    lines.append(f"{len(results)} file(s): {clean} clean, {len(results) - clean} with problems")
    return "\n".join(lines)
