"""The sbo-edi command line: each command a few lines that call a flow, a view or the store."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from edi.batch.lock import BatchError, StoreLock
from edi.batch.logs import configure, event_sink
from edi.batch.processor import BatchSettings, Folders
from edi.batch.runner import StopFlag, run_batch
from edi.batch.verify import reconcile
from edi.conformance.partner import check_partner_files, partner_lines
from edi.conformance.reports import html_report, junit_xml, terminal_lines
from edi.conformance.suite import run_suite
from edi.flows.cycle import close_cycle
from edi.flows.delivery import deliver, write_outputs
from edi.flows.inbound import FileProcessor, RunSettings
from edi.flows.invoicing import Invoicer, write_direct_bills
from edi.guides.files import validate_file
from edi.store import snapshot
from edi.store.account_view import account_view
from edi.store.connection import (
    DB_ENV,
    Db,
    StoreError,
    all_settings,
    change_setting,
    default_path,
    open_store,
    transaction,
)
from edi.store.ledger import verify_chain
from edi.views.account import render_account
from edi.views.audit import explain as explain_key
from edi.views.audit import explain_lines, status_lines
from edi.x12.acks import AckSettings, CountingControlNumbers

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
FILE = click.Path(dir_okay=False, path_type=Path)
FOLDER = click.Path(file_okay=False, path_type=Path)
ISO_TIME = click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])  # an ISO date-time such as 2026-11-01T09:30
ISO_DATE = click.DateTime(["%Y-%m-%d"])


def _day(_ctx: click.Context, _param: click.Parameter, value: datetime | None) -> date | None:
    """A ``--date``-like option as a date."""
    return value.date() if value is not None else None


def _period(ctx: click.Context, param: click.Parameter, value: str) -> tuple[date, date]:
    """A bill period by its reads: START:END."""
    start, _, end = value.partition(":")
    return ISO_DATE.convert(start, param, ctx).date(), ISO_DATE.convert(end, param, ctx).date()


def now_option(text: str) -> Callable[[Any], Any]:
    """``--now``: the injected clock (default: the system clock, read here at the outer edge only)."""
    return click.option("--now", type=ISO_TIME, default=None, help=f"{text} (default: now).")


def clock(now: datetime | None) -> datetime:
    """The injected clock or the system clock to the minute."""
    return now if now is not None else datetime.now().replace(second=0, microsecond=0)


db_option = click.option(
    "--db", "db_path", type=FILE, help=f"The SQLite store (default: ${DB_ENV}, else ./sbo-edi.db)."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
as_of_option = click.option("--as-of", type=ISO_DATE, callback=_day, help="Processing date for the rules.")


def fail(message: str, code: int = EXIT_PROBLEMS) -> NoReturn:
    """An error line on stderr and the exit code."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _open(db_path: Path | None) -> Db:
    """Open the store or stop with a clear message (exit 2)."""
    try:
        return open_store(db_path or default_path())
    except StoreError as error:
        fail(str(error), EXIT_USAGE)


@click.group()
@click.version_option(package_name="sbo-edi")
def main() -> None:
    """sbo-edi: Ameren Illinois SBO enrollments and invoices over X12 4010."""


def _group(name: str, text: str) -> click.Group:
    """A command group under ``main``."""
    group = click.Group(name, help=text)
    main.add_command(group)
    return group


accounts = _group("accounts", "Load and look at utility accounts.")
suppliers = _group("suppliers", "Registered Retail Electric Suppliers.")
calendar = _group("calendar", "The meter-read calendar and utility holidays.")
bills = _group("bills", "The utility's billing runs (input to invoicing).")
res_payments = _group("res-payments", "What RES partners paid against our 810s (until 820 remittances are read).")
settings_group = _group("settings", "The utility's own identity in the store (name, DUNS, ISA qualifier).")
cycle = _group("cycle", "Bill-group read cycles.")


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@json_option
@click.option("--ack-dir", type=FOLDER, help="Write the 997/TA1 we would send here.")
@now_option("Clock for acknowledgment dates")
@click.option("--first-control-number", default=1, type=click.IntRange(1, 999_999_999), help="First ISA13/GS06.")
@click.option("--receiver-id", "receiver_ids", multiple=True, help="Our ISA08 ID(s); others get TA1 note 009.")
def validate(files: tuple[Path, ...], as_json: bool, ack_dir: Path | None, now: datetime | None,
             first_control_number: int, receiver_ids: tuple[str, ...]) -> None:  # fmt: skip
    """Validate X12 FILES against the Illinois guides; exit 0 when clean, 1 when problems were found."""
    settings = AckSettings(clock(now), CountingControlNumbers(first_control_number, first_control_number))
    problems = False
    for path in files:
        report = validate_file(path, settings, receiver_ids=set(receiver_ids) or None)
        problems |= not report.clean
        if ack_dir is not None:
            report.write_acks(ack_dir)
        click.echo(json.dumps(report.to_json()) if as_json else report.describe())
    sys.exit(EXIT_PROBLEMS if problems else EXIT_CLEAN)


def _import_command(group: click.Group, what: str, loader: Callable[[Db, Path, datetime], int], schema: str) -> None:
    """``GROUP import FILE``: all or nothing, every bad line listed (the schema names what a line holds)."""

    @group.command("import", help=f"Load JSON Lines (edi/schemas/{schema}), all or nothing.")
    @click.argument("file", type=FILE)
    @db_option
    @now_option("Clock for the import record")
    def command(file: Path, db_path: Path | None, now: datetime | None) -> None:
        conn = _open(db_path)
        try:
            count = loader(conn, file, clock(now))
        except snapshot.SnapshotError as error:
            click.echo(f"{file}: nothing loaded; {len(error.errors)} line(s) rejected:", err=True)
            for line_error in error.errors:
                click.echo(f"  {line_error.describe()}", err=True)
            sys.exit(EXIT_PROBLEMS)
        click.echo(f"{file}: {count} {what} loaded")


_import_command(accounts, "account(s)", lambda c, f, _: snapshot.import_accounts(c, f), "account.schema.json")
_import_command(suppliers, "supplier(s)", lambda c, f, _: snapshot.import_suppliers(c, f), "supplier.schema.json")
_import_command(calendar, "calendar line(s)", lambda c, f, _: snapshot.import_calendar(c, f), "calendar.schema.json")
_import_command(bills, "bill(s)", snapshot.import_bills, "bill.schema.json")
_import_command(res_payments, "payment(s)", lambda c, f, _: snapshot.import_res_payments(c, f),
                "res_payment.schema.json")  # fmt: skip


@accounts.command("show")
@click.argument("number")
@db_option
@click.option("--as-of", type=ISO_DATE, callback=_day, help="Show the account as of this date (default: today).")
@json_option
def accounts_show(number: str, db_path: Path | None, as_of: date | None, as_json: bool) -> None:
    """What the customer portal shows for ACCOUNT, then what the processor changed and why."""
    view = account_view(_open(db_path), number, as_of or clock(None).date())
    if view is None:
        fail(f"no account {number!r} in the store")
    click.echo(json.dumps(view, indent=2) if as_json else render_account(view))


@main.command()
@click.argument("file", type=FILE)
@db_option
@click.option("--out", "out_dir", type=FOLDER, help="Write the outputs here (they are then marked sent).")
@click.option("--dry-run", is_flag=True, help="Decide and answer, but change nothing in the store.")
@as_of_option
@now_option("Clock for dates in the outputs")
@json_option
def replay(file: Path, db_path: Path | None, out_dir: Path | None, dry_run: bool, as_of: date | None,
           now: datetime | None, as_json: bool) -> None:  # fmt: skip
    """Run FILE through the whole path and print, per transaction, the decision, the rule and the changes."""
    conn, at = _open(db_path), clock(now)
    run = FileProcessor(conn, RunSettings(now=at, as_of=as_of or at.date(), dry_run=dry_run)).run(file)
    if out_dir is not None and dry_run:
        write_outputs(run.outputs, out_dir)  # nothing was stored: nothing to mark sent
    elif out_dir is not None:
        deliver(conn, run.outputs, out_dir, at)  # delivered here; otherwise the next `process` publishes them
    if as_json:
        click.echo(json.dumps(run.to_json(), indent=2))
        return
    for line in [*(f"problem: {i.describe()}" for i in run.issues), *(t.describe() for t in run.transactions)]:
        click.echo(line)
    where = f" in {out_dir}" if out_dir else ""
    click.echo(f"{file}: {run.interchanges} interchange(s), outcomes {run.summary()}, {len(run.outputs)} output(s)"
               f"{where}{' (dry run: store unchanged)' if dry_run else ''}")  # fmt: skip


@main.command()
@click.option("--group", required=True, type=click.IntRange(1, 21), help="Bill group 1 to 21.")
@click.option("--period", required=True, callback=_period, help="The bill period by its reads: 2026-11-10:2026-12-09.")
@db_option
@click.option("--out", "out_dir", type=FOLDER, help="Also write the 810s here (they are then marked sent).")
@click.option("--direct-bills", "direct_dir", type=FOLDER, help="Direct-bill JSON Lines (default: beside the store).")
@now_option("Clock for invoice dates")
def invoice(group: int, period: tuple[date, date], db_path: Path | None, out_dir: Path | None,
            direct_dir: Path | None, now: datetime | None) -> None:  # fmt: skip
    """Invoice GROUP's period: an SBO 810 per account to its RES, the rest (and budget balances) on the direct bill."""
    conn, at = _open(db_path), clock(now)
    with transaction(conn) as tx:
        result = Invoicer(tx, at).run(group, *period)
    if out_dir is not None:
        deliver(conn, result.outputs, out_dir, at)
    folder = direct_dir or (db_path or default_path()).resolve().parent / "direct-bills"
    written = write_direct_bills(conn, result, folder)
    click.echo(f"bill group {group} period {period[0]}..{period[1]}: {result.describe()} in {written}")
    for error in result.errors:
        click.echo(f"  stopped: {error}", err=True)
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_CLEAN)


@settings_group.command("show")
@db_option
def settings_show(db_path: Path | None) -> None:
    """Every setting and its value."""
    for key, value in all_settings(_open(db_path)):
        click.echo(f"{key} = {value}")


@settings_group.command("set")
@click.argument("key")
@click.argument("value")
@db_option
def settings_set(key: str, value: str, db_path: Path | None) -> None:
    """Change one setting (checked: an invalid DUNS or qualifier is refused)."""
    try:
        change_setting(_open(db_path), key, value)
    except StoreError as error:
        fail(str(error), EXIT_USAGE)
    click.echo(f"{key} = {value}")


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


@cycle.command("close")
@click.option("--group", required=True, type=click.IntRange(1, 21), help="Bill group 1 to 21.")
@click.option(
    "--date",
    "read_date",
    required=True,
    type=ISO_DATE,
    callback=_day,
    help="The scheduled read that closes the period.",
)
@db_option
@click.option("--out", "out_dir", type=FOLDER, help="Write the outputs here (they are then marked sent).")
@now_option("Clock for dates in the outputs")
def cycle_close(group: int, read_date: date, db_path: Path | None, out_dir: Path | None, now: datetime | None) -> None:
    """Close GROUP's read on DATE: off-cycle SBO accounts switch from DUAL to SBO and each RES gets its 814 change."""
    conn, at = _open(db_path), clock(now)
    try:
        with transaction(conn) as tx:
            result = close_cycle(tx, group, read_date, at)
    except StoreError as error:
        fail(str(error))
    if out_dir is not None:
        deliver(conn, result.outputs, out_dir, at)
    click.echo("\n".join(result.lines()))


@main.command()
@click.option("--inbox", required=True, type=FOLDER, help="Where partners drop files.")
@click.option("--outbox", required=True, type=FOLDER, help="Where our documents go.")
@click.option("--archive", type=FOLDER, help="Processed files (default: INBOX/../archive).")
@click.option("--quarantine", type=FOLDER, help="Files that cannot be processed (default: INBOX/../quarantine).")
@db_option
@click.option("--watch", is_flag=True, help="Keep going until SIGTERM/SIGINT; stop cleanly between interchanges.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(0.1), help="Seconds between scans.")
@click.option(
    "--settle", default=5.0, show_default=True, type=click.FloatRange(0), help="Seconds a file must be still."
)
@click.option("--max-size", default=256, show_default=True, type=click.IntRange(1), help="Largest file read, in MiB.")
@now_option("Fixed clock for document dates")
@as_of_option
@json_option
def process(inbox: Path, outbox: Path, archive: Path | None, quarantine: Path | None, db_path: Path | None,
            watch: bool, interval: float, settle: float, max_size: int, now: datetime | None, as_of: date | None,
            as_json: bool) -> None:  # fmt: skip
    """Process every complete file in INBOX exactly once: acknowledge, decide, answer, archive or quarantine."""
    os.umask(0o027)  # F8: what we create is not world-readable
    configure()
    folders = Folders(inbox, outbox, archive or inbox.parent / "archive", quarantine or inbox.parent / "quarantine")
    settings = BatchSettings(clock=lambda: clock(now), wall_clock=time.time, as_of=as_of, settle_seconds=settle,
                             max_bytes=max_size * 1024 * 1024)  # fmt: skip
    stop = StopFlag()
    stop.install()
    db = db_path or default_path()
    try:
        done = run_batch(lambda: _open(db), StoreLock(db), folders, settings, watch=watch, interval=interval,
                         events=event_sink(), stop=stop)  # fmt: skip
    except BatchError as error:
        fail(str(error), EXIT_USAGE)
    if done.error:
        click.echo(f"error: the run stopped: {done.error}", err=True)
    click.echo(json.dumps(done.summary.to_json(), sort_keys=True) if as_json else "\n".join(done.summary.lines()))
    troubled = done.error or done.summary.quarantined or done.summary.failed  # a person should look (H2)
    sys.exit(EXIT_PROBLEMS if troubled else EXIT_CLEAN)


@main.command()
@db_option
@click.option("--runs", "count", default=10, show_default=True, type=click.IntRange(1), help="How many recent runs.")
@click.option("--ack-overdue-hours", default=48.0, show_default=True, type=click.FloatRange(0), help="B13 limit.")
@now_option("Clock for the overdue check")
def status(db_path: Path | None, count: int, ack_overdue_hours: float, now: datetime | None) -> None:
    """Recent runs, files waiting or quarantined, documents not yet sent or not yet acknowledged."""
    click.echo("\n".join(status_lines(_open(db_path), count, clock(now), ack_overdue_hours)))


@main.command("verify-audit")
@db_option
def verify_audit(db_path: Path | None) -> None:
    """Check the outcome rows' hash chain: exit 1 and name the first row changed after it was written."""
    checked, broken = verify_chain(_open(db_path))
    if broken is not None:
        fail(f"the audit trail was changed: outcome row {broken} does not match its seal")
    click.echo(f"audit trail intact: {checked} outcome row(s) checked")


@main.command()
@db_option
@click.option("--archive", required=True, type=FOLDER, help="The archive folder `process` moves files to.")
def verify(db_path: Path | None, archive: Path) -> None:
    """Reconcile archive, ledger, outcome rows and audit chain (H7): exit 1 naming what does not add up."""
    result = reconcile(_open(db_path), archive)
    for problem in result.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{result.files} archived file(s), {result.outcomes} outcome row(s) checked:"
               f" {len(result.problems) or 'no'} problem(s)")  # fmt: skip
    sys.exit(EXIT_PROBLEMS if result.problems else EXIT_CLEAN)


@main.command()
@click.argument("key")
@db_option
@json_option
def explain(key: str, db_path: Path | None, as_json: bool) -> None:
    """One transaction's whole path, by ISA13 (every set in the interchange) or BGN02."""
    found = explain_key(_open(db_path), key)
    if not found:
        fail(f"nothing recorded for {key!r} (an ISA13 or a BGN02)")
    click.echo(json.dumps(found, indent=2) if as_json else "\n".join(explain_lines(found)))


if __name__ == "__main__":
    main()
