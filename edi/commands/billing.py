"""The bill cycle: cycle close (D3) and the SBO 810 invoice runs."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

import click

from edi.commands.common import (
    EXIT_CLEAN,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    FOLDER,
    ISO_DATE,
    StoreTarget,
    clock,
    cycle,
    day,
    db_option,
    fail,
    invoices_group,
    json_option,
    main,
    now_option,
    open_db,
    period,
    remittances_group,
)
from edi.flows.delivery import deliver
from edi.flows.outbound import Invoicer, PeriodError, close_cycle, write_direct_bills
from edi.store import advice, remittances
from edi.store.connection import (
    StoreError,
    default_path,
    store_folder,
    transaction,
)


@main.command()
@click.option("--group", required=True, type=click.IntRange(1, 21), help="Bill group 1 to 21.")
@click.option("--period", required=True, callback=period, help="The bill period by its reads: 2026-11-10:2026-12-09.")
@db_option
@click.option("--out", "out_dir", type=FOLDER, help="Also write the 810s here (they are then marked sent).")
@click.option("--direct-bills", "direct_dir", type=FOLDER, help="Direct-bill JSON Lines (default: beside the store).")
@now_option("Clock for invoice dates")
def invoice(group: int, period: tuple[date, date], db_path: StoreTarget | None, out_dir: Path | None,
            direct_dir: Path | None, now: datetime | None) -> None:  # fmt: skip
    """Invoice GROUP's period: an SBO 810 per account to its RES, the rest (and budget balances) on the direct bill."""
    conn, at = open_db(db_path), clock(now)
    try:
        with transaction(conn) as tx:
            result = Invoicer(tx, at, keep_invoices=False, keep_texts=out_dir is not None).run(group, *period)
    except PeriodError as error:
        fail(str(error), EXIT_USAGE)
    if out_dir is not None:
        deliver(conn, result.outputs, out_dir, at)
    folder = direct_dir or store_folder(db_path or default_path()) / "direct-bills"
    written = write_direct_bills(conn, result, folder)
    click.echo(f"bill group {group} period {period[0]}..{period[1]}: {result.describe()} in {written}")
    for stopped in result.errors:
        click.echo(f"  stopped: {stopped}", err=True)
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_CLEAN)


@cycle.command("close")
@click.option("--group", required=True, type=click.IntRange(1, 21), help="Bill group 1 to 21.")
@click.option(
    "--date",
    "read_date",
    required=True,
    type=ISO_DATE,
    callback=day,
    help="The scheduled read that closes the period.",
)
@db_option
@click.option("--out", "out_dir", type=FOLDER, help="Write the outputs here (they are then marked sent).")
@now_option("Clock for dates in the outputs")
def cycle_close(
    group: int, read_date: date, db_path: StoreTarget | None, out_dir: Path | None, now: datetime | None
) -> None:
    """Close GROUP's read on DATE: off-cycle SBO accounts switch from DUAL to SBO and each RES gets its 814 change."""
    conn, at = open_db(db_path), clock(now)
    try:
        with transaction(conn) as tx:
            result = close_cycle(tx, group, read_date, at)
    except StoreError as error:
        fail(str(error))
    if out_dir is not None:
        deliver(conn, result.outputs, out_dir, at)
    click.echo("\n".join(result.lines()))


@remittances_group.command("list")
@db_option
@json_option
def remittances_list(db_path: StoreTarget | None, as_json: bool) -> None:
    """820s refused whole or with money that matched no open 810, not yet reviewed (status lists them too)."""
    rows = remittances.unreviewed(open_db(db_path), limit=1000)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        what = "applied nothing: " + str(r["reason"]) if not r["applied"] else f"{r['reported']} reported"
        click.echo(f"#{r['id']} payer {r['payer']} TRN02 {r['trace']} total {r['total']}: {what}")
    click.echo(f"{len(rows)} remittance(s) to review")


@remittances_group.command("reviewed")
@click.argument("remittance_id", type=click.IntRange(1))
@click.option("--note", required=True, help="What was done (kept with the remittance).")
@db_option
@now_option("Clock for the record")
def remittances_reviewed(remittance_id: int, note: str, db_path: StoreTarget | None, now: datetime | None) -> None:
    """Record that a person dealt with a remittance's refusal or reported money; status stops listing it."""
    with transaction(open_db(db_path)) as tx:
        if not remittances.mark_reviewed(tx, remittance_id, note, clock(now)):
            fail(f"no remittance #{remittance_id}", EXIT_USAGE)
    click.echo(f"remittance #{remittance_id} reviewed")


@invoices_group.command("clear-flag")
@click.argument("invoice")
@click.option("--note", required=True, help="What was done instead of a rebill (kept with the flag).")
@db_option
@now_option("Clock for the record")
def invoices_clear_flag(invoice: str, note: str, db_path: StoreTarget | None, now: datetime | None) -> None:
    """D14: a person dealt with an 824's reject of an 810 (or a reported 824): status stops listing it."""
    with transaction(open_db(db_path)) as tx:
        closed = advice.close_flags(tx, invoice, f"operator: {note}", clock(now))
    if not closed:
        fail(f"no open flag on {invoice!r}", EXIT_USAGE)
    click.echo(f"{closed} flag(s) on {invoice} closed")


@invoices_group.command("flags")
@db_option
@json_option
def invoices_flags(db_path: StoreTarget | None, as_json: bool) -> None:
    """The open flags: 810s an 824 rejected and not yet rebilled, and 824s naming no 810 of their RES."""
    rows = advice.open_flags(open_db(db_path), limit=1000)
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        click.echo(f"{r['invoice']} {r['verdict']} {r['code']} {r['text']} (since {r['flagged_at']})")
    click.echo(f"{len(rows)} open flag(s)")
