"""Issue 12: safe to run every night, easy to watch, easy to put right (each test failed on the code before)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli import main
from scripts.make_example_data import interchange, request
from tests.batch_helpers import prepared_store

BUDGET = "1000000002"  # the example account on budget billing with a balance due (R2)


def _enrolled(tmp_path: Path) -> str:
    db = prepared_store(tmp_path / "s")
    source = tmp_path / "in.edi"
    source.write_text(interchange(701, [request("0001", "OPS1", BUDGET)]))
    result = CliRunner().invoke(main, ["replay", str(source), "--db", str(db), "--now", "2026-11-02T09:30"])
    assert result.exit_code == 0, result.output
    return str(db)


def test_1_invoice_refuses_a_period_that_is_not_a_bill_period(tmp_path: Path) -> None:
    db = _enrolled(tmp_path)
    direct = tmp_path / "direct"
    for period in ("2026-12-09:2026-11-10", "2026-11-01:2026-11-30", "2026-11-10:2027-01-12"):
        wrong = CliRunner().invoke(main, ["invoice", "--group", "7", "--period", period, "--db", db,
                                          "--direct-bills", str(direct), "--now", "2026-12-10T06:00"])  # fmt: skip
        assert wrong.exit_code == 2 and "nothing was invoiced" in wrong.output, wrong.output
        assert not direct.exists()  # nothing written, no budget balance used up
    right = CliRunner().invoke(main, ["invoice", "--group", "7", "--period", "2026-11-10:2026-12-09", "--db", db,
                                      "--direct-bills", str(direct), "--now", "2026-12-10T06:00"])  # fmt: skip
    assert right.exit_code == 0, right.output
    lines = [json.loads(line) for p in direct.iterdir() for line in p.read_text().splitlines()]
    assert [(line["account"], line["kind"]) for line in lines] == [(BUDGET, "budget balance due")]
    shown = CliRunner().invoke(main, ["accounts", "show", BUDGET, "--db", db, "--json"])
    (charge,) = json.loads(shown.output)["direct_bill_charges"]
    assert charge["billed_in"] == "g07:2026-11-10:2026-12-09"  # accounts show says which direct bill carried it
