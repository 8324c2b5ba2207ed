"""Conformance suites and partner mode."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from edi.commands.common import (
    EXIT_CLEAN,
    EXIT_PROBLEMS,
    FILE,
    FOLDER,
    as_of_option,
    clock,
    json_option,
    main,
    now_option,
)
from edi.conformance.partner import check_partner_files, partner_lines
from edi.conformance.reports import html_report, junit_xml, terminal_lines
from edi.conformance.suite import run_suite


@main.command()
@click.argument("suite_dir", required=False, type=FOLDER)
@click.option("--junit", "junit_path", type=FILE, help="Write JUnit XML here.")
@click.option("--html", "html_path", type=FILE, help="Write the HTML report here.")
@click.option("--reference", type=FOLDER, help="Suppliers and calendar for cases without their own.")
@click.option("--partner", "partner_files", multiple=True, type=FILE, help="Partner mode: a RES's own file (repeat).")
@click.option("--accounts", "accounts_path", type=FILE, help="Partner mode: the snapshot the sandbox starts from.")
@click.option("--suppliers", "suppliers_path", type=FILE, help="Partner mode: suppliers (default: the example's).")
@click.option("--calendar", "calendar_path", type=FILE, help="Partner mode: the calendar (default: the example's).")
@click.option("--engine", type=click.Choice(["sbo-edi", "pyx12"]), default="sbo-edi", help="pyx12: its verdict too.")
@as_of_option
@now_option("Clock for steps without one and for partner mode")
@click.option("--out", "out_dir", type=FOLDER, help="Partner mode: write what we would send here.")
@json_option
def conformance(suite_dir: Path | None, junit_path: Path | None, html_path: Path | None, reference: Path | None,
                partner_files: tuple[Path, ...], accounts_path: Path | None, suppliers_path: Path | None,
                calendar_path: Path | None, engine: str, as_of: date | None, now: datetime | None,
                out_dir: Path | None, as_json: bool) -> None:  # fmt: skip
    """Run a conformance suite (exit 0 only when every case passes), or check a partner's files (--partner)."""
    at = clock(now)
    if partner_files:
        if accounts_path is None:
            raise click.UsageError("--partner needs --accounts SNAPSHOT")
        results = check_partner_files(list(partner_files), accounts_path, suppliers_path, calendar_path, now=at,
                                      as_of=as_of or at.date(), with_pyx12=engine == "pyx12",
                                      out_dir=out_dir)  # fmt: skip
        click.echo(json.dumps([r.to_json() for r in results], indent=2) if as_json else partner_lines(results))
        sys.exit(EXIT_CLEAN if all(r.clean for r in results) else EXIT_PROBLEMS)
    if suite_dir is None:
        raise click.UsageError("give a SUITE_DIR, or --partner FILE ... --accounts SNAPSHOT")
    suite = run_suite(suite_dir, reference or suite_dir / "reference")
    if junit_path is not None:
        junit_path.write_bytes(junit_xml(suite, at))
    if html_path is not None:
        html_path.write_text(html_report(suite, at), encoding="utf-8")
    click.echo("\n".join(terminal_lines(suite)))
    sys.exit(EXIT_CLEAN if not suite.failed else EXIT_PROBLEMS)
