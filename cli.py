"""The sbo-edi command line: each command a few lines that call into edi/ and rules/."""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import click

from edi.batch.lock import BatchError, StoreLock
from edi.batch.logs import configure, event_sink
from edi.batch.processor import BatchProcessor, BatchSettings, Folders
from edi.batch.summary import Summary
from edi.conformance.partner import check_partner_files, default_reference, partner_lines
from edi.conformance.reports import html_report, junit_xml, terminal_lines
from edi.conformance.suite import run_suite
from edi.flows.cycle import close_cycle
from edi.flows.delivery import deliver, write_outputs
from edi.flows.durable import ensure_folder, write_atomically
from edi.flows.inbound import FileProcessor, RunSettings
from edi.flows.invoicing import Invoicer, direct_bills_jsonl
from edi.guides.files import FileReport, validate_file
from edi.naming import safe_stem
from edi.store.accounts import account_view
from edi.store.connection import (
    DB_ENV,
    Db,
    DbError,
    StoreError,
    all_settings,
    change_setting,
    default_path,
    open_store,
    transaction,
)
from edi.store.ledger import verify_chain
from edi.store.snapshot import (
    SnapshotError,
    import_accounts,
    import_bills,
    import_calendar,
    import_res_payments,
    import_suppliers,
)
from edi.views.account import render_account
from edi.views.audit import explain as explain_key
from edi.views.audit import explain_lines, status_lines
from edi.x12.acks import AckSettings, CountingControlNumbers

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parse_now(value: str | None) -> datetime:
    """The injected clock: ``--now`` or, at this outer edge only, the system clock."""
    if value is None:
        return datetime.now().replace(second=0, microsecond=0)
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO date-time such as 2026-11-01T09:30") from error


@click.group()
@click.version_option(package_name="sbo-edi")
def main() -> None:
    """sbo-edi: Ameren Illinois SBO enrollments and invoices over X12 4010."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file on stdout.")
@click.option(
    "--ack-dir", type=click.Path(file_okay=False, path_type=Path), help="Write the 997/TA1 we would send here."
)
@click.option("--now", "now_text", metavar="ISO", help="Clock for acknowledgment dates (default: now).")
@click.option(
    "--first-control-number",
    default=1,
    show_default=True,
    type=click.IntRange(1, 999_999_999),
    help="First ISA13/GS06 of the acknowledgments written.",
)
@click.option("--receiver-id", "receiver_ids", multiple=True, help="Our ISA08 ID(s); others get TA1 note 009.")
def validate(
    files: tuple[Path, ...],
    as_json: bool,
    ack_dir: Path | None,
    now_text: str | None,
    first_control_number: int,
    receiver_ids: tuple[str, ...],
) -> None:
    """Validate X12 FILES against the Illinois guides; exit 0 when clean, 1 when problems were found."""
    settings = AckSettings(_parse_now(now_text), CountingControlNumbers(first_control_number, first_control_number))
    if ack_dir is not None:
        ack_dir.mkdir(parents=True, exist_ok=True)
    problems = False
    for path in files:
        report = validate_file(path, settings, receiver_ids=set(receiver_ids) or None)
        problems |= not report.clean
        if ack_dir is not None:
            _write_acks(report, ack_dir)
        click.echo(json.dumps(report.to_json()) if as_json else _describe(report))
    sys.exit(EXIT_PROBLEMS if problems else EXIT_CLEAN)


def _write_acks(report: FileReport, ack_dir: Path) -> None:
    """One file per acknowledgment interchange, named from our own pieces (README, Outputs)."""
    stem = safe_stem(report.path.name)
    for index, (kind, text) in enumerate(report.acks, start=1):
        (ack_dir / f"{stem}.{index}.{kind}").write_text(text, encoding="ascii")


def _describe(report: FileReport) -> str:
    """The terminal view of one file: a verdict line, then each problem with its position."""
    head = f"{report.path}: {report.summary()}"
    return "\n".join([head, *("  " + issue.describe() for issue in report.issues)])


def _parse_date(value: str | None, fallback: date) -> date:
    if value is None:
        return fallback
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO date such as 2026-11-02") from error


db_option = click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=f"The SQLite store (default: ${DB_ENV}, else ./sbo-edi.db).",
)


def _open(db_path: Path | None) -> Db:
    """Open the store or stop with a clear message (exit 2)."""
    try:
        return open_store(db_path or default_path())
    except StoreError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)


def _import(what: str, loader: Callable[[Db, Path], int], file: Path, db_path: Path | None) -> None:
    """All or nothing: either every line is loaded or the errors are listed and nothing is."""
    conn = _open(db_path)
    try:
        count = loader(conn, file)
    except SnapshotError as error:
        click.echo(f"{file}: nothing loaded; {len(error.errors)} line(s) rejected:", err=True)
        for line_error in error.errors:
            click.echo(f"  {line_error.describe()}", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"{file}: {count} {what} loaded")


@main.group()
def accounts() -> None:
    """Load and look at utility accounts."""


@accounts.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def accounts_import(file: Path, db_path: Path | None) -> None:
    """Load a JSON Lines accounts snapshot (edi/schemas/account.schema.json), all or nothing."""
    _import("account(s)", import_accounts, file, db_path)


@accounts.command("show")
@click.argument("number")
@db_option
@click.option("--as-of", "as_of_text", metavar="DATE", help="Show the account as of this date (default: today).")
@click.option("--json", "as_json", is_flag=True, help="The same facts as one JSON object.")
def accounts_show(number: str, db_path: Path | None, as_of_text: str | None, as_json: bool) -> None:
    """What the customer portal shows for ACCOUNT, then what the processor changed and why."""
    conn = _open(db_path)
    view = account_view(conn, number, _parse_date(as_of_text, _parse_now(None).date()))
    if view is None:
        click.echo(f"no account {number!r} in the store", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(json.dumps(view, indent=2) if as_json else render_account(view))


@main.group()
def suppliers() -> None:
    """Registered Retail Electric Suppliers."""


@suppliers.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def suppliers_import(file: Path, db_path: Path | None) -> None:
    """Load suppliers from JSON Lines (edi/schemas/supplier.schema.json), all or nothing."""
    _import("supplier(s)", import_suppliers, file, db_path)


@main.group()
def calendar() -> None:
    """The meter-read calendar and utility holidays."""


@calendar.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def calendar_import(file: Path, db_path: Path | None) -> None:
    """Load scheduled reads and holidays from JSON Lines (edi/schemas/calendar.schema.json), all or nothing."""
    _import("calendar line(s)", import_calendar, file, db_path)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write the outputs here.")
@click.option("--dry-run", is_flag=True, help="Decide and answer, but change nothing in the store.")
@click.option("--as-of", "as_of_text", metavar="DATE", help="Processing date for the rules (default: --now's date).")
@click.option("--now", "now_text", metavar="ISO", help="Clock for dates in the outputs (default: now).")
@click.option("--json", "as_json", is_flag=True, help="The run as one JSON object.")
def replay(
    file: Path,
    db_path: Path | None,
    out_dir: Path | None,
    dry_run: bool,
    as_of_text: str | None,
    now_text: str | None,
    as_json: bool,
) -> None:
    """Run FILE through the whole path and print, per transaction, the decision, the rule and the changes."""
    conn = _open(db_path)
    now = _parse_now(now_text)
    settings = RunSettings(now=now, as_of=_parse_date(as_of_text, now.date()), dry_run=dry_run)
    run = FileProcessor(conn, settings).run(file)
    if out_dir is not None and dry_run:
        write_outputs(run.outputs, out_dir)  # nothing was stored: nothing to mark sent
    elif out_dir is not None:
        deliver(conn, run.outputs, out_dir, now)  # delivered here; otherwise the next `process` publishes them
    if as_json:
        click.echo(json.dumps(run.to_json(), indent=2))
        return
    for issue in run.issues:
        click.echo(f"problem: {issue.describe()}")
    for transaction_report in run.transactions:
        click.echo(transaction_report.describe())
    where = f" in {out_dir}" if out_dir else ""
    click.echo(
        f"{file}: {run.interchanges} interchange(s), outcomes {run.summary()},"
        f" {len(run.outputs)} output(s){where}{' (dry run: store unchanged)' if dry_run else ''}"
    )


@main.group()
def bills() -> None:
    """The utility's billing runs (input to invoicing)."""


@bills.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--now", "now_text", metavar="ISO", help="Clock for the import record (default: now).")
def bills_import(file: Path, db_path: Path | None, now_text: str | None) -> None:
    """Load a billing run from JSON Lines (edi/schemas/bill.schema.json), all or nothing."""
    now = _parse_now(now_text)
    _import("bill(s)", lambda conn, path: import_bills(conn, path, now), file, db_path)


@main.group("res-payments")
def res_payments() -> None:
    """What RES partners paid against our 810s (until 820 remittances are read)."""


@res_payments.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
def res_payments_import(file: Path, db_path: Path | None) -> None:
    """Load RES payments from JSON Lines (edi/schemas/res_payment.schema.json), all or nothing."""
    _import("payment(s)", import_res_payments, file, db_path)


@main.command()
@click.option("--group", "group", required=True, type=click.IntRange(1, 21), help="Bill group 1 to 21.")
@click.option(
    "--period",
    "period_text",
    required=True,
    metavar="START:END",
    help="The bill period by its reads, e.g. 2026-11-10:2026-12-09.",
)
@db_option
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write the 810s here (they are then marked sent; otherwise `process` publishes them).",
)
@click.option(
    "--direct-bills",
    "direct_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where the utility's direct-bill JSON Lines go (default: direct-bills/ beside the store).",
)
@click.option("--now", "now_text", metavar="ISO", help="Clock for invoice dates (default: now).")
def invoice(
    group: int,
    period_text: str,
    db_path: Path | None,
    out_dir: Path | None,
    direct_dir: Path | None,
    now_text: str | None,
) -> None:
    """Invoice GROUP's period: an SBO 810 per account to its RES, the rest (and budget balances) on the direct bill."""
    start_text, _, end_text = period_text.partition(":")
    start, end = _parse_date(start_text, date.min), _parse_date(end_text or "x", date.min)
    conn = _open(db_path)
    now = _parse_now(now_text)
    with transaction(conn) as tx:
        result = Invoicer(tx, now).run(group, start, end)
    if out_dir is not None:
        deliver(conn, result.outputs, out_dir, now)
    folder = direct_dir or (db_path or default_path()).resolve().parent / "direct-bills"
    ensure_folder(folder)
    name = result.direct_bill_file
    write_atomically(folder, name, direct_bills_jsonl(conn, result.key).encode("utf-8"))
    originals = sum(1 for i in result.invoices if i.purpose == "00" and not i.original_number)
    cancels = sum(1 for i in result.invoices if i.purpose == "01")
    click.echo(
        f"bill group {group} period {start}..{end}: {originals} 810(s), {cancels} cancel(s) with rebill,"
        f" {len(result.direct_bills)} direct-bill charge(s) in {folder / name},"
        f" {result.already_done} bill(s) already invoiced"
    )
    for error in result.errors:
        click.echo(f"  stopped: {error}", err=True)
    sys.exit(EXIT_PROBLEMS if result.errors else EXIT_CLEAN)


@main.group("settings")
def settings_group() -> None:
    """The utility's own identity in the store (name, DUNS, ISA qualifier)."""


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
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{key} = {value}")


@main.command()
@click.argument("suite_dir", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--junit", "junit_path", type=click.Path(dir_okay=False, path_type=Path), help="Write JUnit XML here.")
@click.option(
    "--html", "html_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the HTML report here."
)
@click.option(
    "--reference",
    type=click.Path(file_okay=False, path_type=Path),
    help="Suppliers and calendar for cases without their own (default: SUITE_DIR/reference).",
)
@click.option(
    "--partner",
    "partner_files",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Partner mode: a RES's own file (repeat, or list several after one --partner each).",
)
@click.option(
    "--accounts",
    "accounts_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Partner mode: the account snapshot the sandbox starts from.",
)
@click.option(
    "--suppliers",
    "suppliers_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Partner mode: registered suppliers (default: the example suppliers shipped in the package).",
)
@click.option(
    "--calendar",
    "calendar_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Partner mode: the read calendar (default: the example calendar shipped in the package).",
)
@click.option(
    "--engine",
    type=click.Choice(["sbo-edi", "pyx12"]),
    default="sbo-edi",
    show_default=True,
    help="Partner mode: pyx12 adds its verdict per transaction set beside ours.",
)
@click.option("--as-of", "as_of_text", metavar="DATE", help="Partner mode: processing date (default: --now's date).")
@click.option("--now", "now_text", metavar="ISO", help="Clock for steps without one and for partner mode.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Partner mode: write what we would send here.",
)
@click.option("--json", "as_json", is_flag=True, help="Partner mode: the report as JSON.")
def conformance(
    suite_dir: Path | None,
    junit_path: Path | None,
    html_path: Path | None,
    reference: Path | None,
    partner_files: tuple[Path, ...],
    accounts_path: Path | None,
    suppliers_path: Path | None,
    calendar_path: Path | None,
    engine: str,
    as_of_text: str | None,
    now_text: str | None,
    out_dir: Path | None,
    as_json: bool,
) -> None:
    """Run a conformance suite (exit 0 only when every case passes), or check a partner's files (--partner)."""
    now = _parse_now(now_text)
    if partner_files:
        if accounts_path is None:
            raise click.UsageError("--partner needs --accounts SNAPSHOT")
        results = check_partner_files(
            list(partner_files),
            accounts_path,
            suppliers_path or default_reference("suppliers.jsonl"),
            calendar_path or default_reference("calendar.jsonl"),
            now=now,
            as_of=_parse_date(as_of_text, now.date()),
            with_pyx12=engine == "pyx12",
        )
        if out_dir is not None:
            for result in results:
                write_outputs(result.outputs, out_dir / safe_stem(result.path.name))
        click.echo(
            json.dumps([r.to_json() for r in results], indent=2) if as_json else "\n".join(partner_lines(results))
        )
        sys.exit(EXIT_CLEAN if all(r.clean for r in results) else EXIT_PROBLEMS)
    if suite_dir is None:
        raise click.UsageError("give a SUITE_DIR, or --partner FILE ... --accounts SNAPSHOT")
    suite = run_suite(suite_dir, reference or suite_dir / "reference")
    if junit_path is not None:
        junit_path.write_bytes(junit_xml(suite, now))
    if html_path is not None:
        html_path.write_text(html_report(suite, now), encoding="utf-8")
    click.echo("\n".join(terminal_lines(suite)))
    sys.exit(EXIT_CLEAN if not suite.failed else EXIT_PROBLEMS)


@main.group()
def cycle() -> None:
    """Bill-group read cycles."""


@cycle.command("close")
@click.option("--group", "group", required=True, type=click.IntRange(1, 21), help="Bill group 1 to 21.")
@click.option("--date", "date_text", required=True, metavar="DATE", help="The scheduled read that closes the period.")
@db_option
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), help="Write the outputs here.")
@click.option("--now", "now_text", metavar="ISO", help="Clock for dates in the outputs (default: now).")
def cycle_close(group: int, date_text: str, db_path: Path | None, out_dir: Path | None, now_text: str | None) -> None:
    """Close GROUP's read on DATE: off-cycle SBO accounts switch from DUAL to SBO and each RES gets its 814 change."""
    conn = _open(db_path)
    try:
        with transaction(conn) as tx:
            result = close_cycle(tx, group, _parse_date(date_text, date.min), _parse_now(now_text))
    except StoreError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_PROBLEMS)
    if out_dir is not None:
        deliver(conn, result.outputs, out_dir, _parse_now(now_text))
    note = " (already closed before)" if result.already_closed else ""
    click.echo(
        f"bill group {group} read {result.read_date} closed{note}: {len(result.switched)} account(s) switched"
        f" to SBO, {len(result.outputs)} 814 change interchange(s)"
    )
    for masked in result.switched:
        click.echo(f"  {masked}: DUAL -> SBO (R7, D3)")


@main.command()
@click.option(
    "--inbox", required=True, type=click.Path(file_okay=False, path_type=Path), help="Where partners drop files."
)
@click.option(
    "--outbox", required=True, type=click.Path(file_okay=False, path_type=Path), help="Where our documents go."
)
@click.option(
    "--archive", type=click.Path(file_okay=False, path_type=Path), help="Processed files (default: INBOX/../archive)."
)
@click.option(
    "--quarantine",
    type=click.Path(file_okay=False, path_type=Path),
    help="Files that cannot be processed, each with a .reason file (default: INBOX/../quarantine).",
)
@db_option
@click.option("--watch", is_flag=True, help="Keep going until SIGTERM/SIGINT; stop cleanly between interchanges.")
@click.option("--interval", default=10.0, show_default=True, type=click.FloatRange(0.1), help="Seconds between scans.")
@click.option(
    "--settle",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds a file's size and mtime must be still (a NAME.done marker skips the wait).",
)
@click.option("--max-size", default=256, show_default=True, type=click.IntRange(1), help="Largest file read, in MiB.")
@click.option("--now", "now_text", metavar="ISO", help="Fixed clock for document dates (default: the real clock).")
@click.option(
    "--as-of", "as_of_text", metavar="DATE", help="Processing date for the rules (default: the clock's date)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the closing summary as JSON.")
def process(
    inbox: Path,
    outbox: Path,
    archive: Path | None,
    quarantine: Path | None,
    db_path: Path | None,
    watch: bool,
    interval: float,
    settle: float,
    max_size: int,
    now_text: str | None,
    as_of_text: str | None,
    as_json: bool,
) -> None:
    """Process every complete file in INBOX exactly once: acknowledge, decide, answer, archive or quarantine."""
    os.umask(0o027)  # reliability.md F8: what we create is not world-readable
    configure()
    folders = Folders(inbox, outbox, archive or inbox.parent / "archive", quarantine or inbox.parent / "quarantine")
    fixed = _parse_now(now_text) if now_text else None
    settings = BatchSettings(
        clock=(lambda: fixed) if fixed else (lambda: _parse_now(None)),
        wall_clock=time.time,
        as_of=_parse_date(as_of_text, date.min) if as_of_text else None,
        settle_seconds=settle,
        max_bytes=max_size * 1024 * 1024,
    )
    stop = {"signal": ""}

    def on_signal(number: int, _frame: object) -> None:
        stop["signal"] = signal.Signals(number).name

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    db = db_path or default_path()
    sink = event_sink()
    try:
        folders.prepare()
        with StoreLock(db):
            conn = _open(db)
            processor = BatchProcessor(
                conn,
                folders,
                settings,
                events=sink,
                failpoint=_failpoint_from_env(),
                should_stop=lambda: bool(stop["signal"]),
                progress=_progress(),
            )
            total = Summary()
            while True:
                try:
                    total.merge(processor.run_once())
                except (OSError, DbError) as error:
                    # Disk full, I/O or database errors: committed work stands, the next run resumes (E3/E4).
                    sink("run_failed", error=f"{type(error).__name__}: {error}")
                    if not watch:
                        click.echo(f"error: the run stopped: {type(error).__name__}: {error}", err=True)
                        click.echo("\n".join(total.lines()))
                        sys.exit(EXIT_PROBLEMS)
                if not watch or stop["signal"]:
                    break
                deadline = time.monotonic() + interval
                while time.monotonic() < deadline and not stop["signal"]:
                    time.sleep(min(0.2, interval))
                if stop["signal"]:
                    break
    except BatchError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(EXIT_USAGE)
    if stop["signal"]:
        sink("stopped", signal=stop["signal"])
    click.echo(json.dumps(total.to_json(), sort_keys=True) if as_json else "\n".join(total.lines()))


def _failpoint_from_env() -> Callable[[str], None]:
    """``SBO_EDI_FAILPOINT=name:n`` kills the process (SIGKILL) the n-th time the named point is reached (tests)."""
    spec = os.environ.get("SBO_EDI_FAILPOINT", "")
    if ":" not in spec:
        return lambda name: None
    wanted, _, nth = spec.partition(":")
    count = {"n": 0}

    def hit(name: str) -> None:
        if name == wanted:
            count["n"] += 1
            if count["n"] == int(nth or 1):
                os.kill(os.getpid(), signal.SIGKILL)

    return hit


def _progress() -> Callable[[int, int, int], None]:
    """A one-line progress display on a terminal: files done, transactions, rate, time left."""
    if not sys.stderr.isatty():
        return lambda done, total, sets: None
    started = time.monotonic()

    def show(done: int, total: int, sets: int) -> None:
        elapsed = max(time.monotonic() - started, 1e-6)
        left = (total - done) * elapsed / done if done else 0.0
        sys.stderr.write(f"\r{done}/{total} files  {sets} transactions  {sets / elapsed:,.0f}/s  {left:,.0f} s left ")
        if done == total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return show


@main.command()
@db_option
@click.option("--runs", "count", default=10, show_default=True, type=click.IntRange(1), help="How many recent runs.")
@click.option(
    "--ack-overdue-hours",
    default=48.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Documents sent longer ago than this with no 997 back are listed.",
)
@click.option("--now", "now_text", metavar="ISO", help="Clock for the overdue check (default: now).")
def status(db_path: Path | None, count: int, ack_overdue_hours: float, now_text: str | None) -> None:
    """Recent runs, files waiting or quarantined, documents not yet sent or not yet acknowledged."""
    click.echo("\n".join(status_lines(_open(db_path), count, _parse_now(now_text), ack_overdue_hours)))


@main.command("verify-audit")
@db_option
def verify_audit(db_path: Path | None) -> None:
    """Check the outcome rows' hash chain: exit 1 and name the first row changed after it was written."""
    checked, broken = verify_chain(_open(db_path))
    if broken is not None:
        click.echo(f"the audit trail was changed: outcome row {broken} does not match its seal", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"audit trail intact: {checked} outcome row(s) checked")


@main.command()
@click.argument("key")
@db_option
@click.option("--json", "as_json", is_flag=True, help="The same facts as JSON.")
def explain(key: str, db_path: Path | None, as_json: bool) -> None:
    """One transaction's whole path, by ISA13 (every set in the interchange) or BGN02."""
    found = explain_key(_open(db_path), key)
    if not found:
        click.echo(f"nothing recorded for {key!r} (an ISA13 or a BGN02)", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(json.dumps(found, indent=2) if as_json else "\n".join(explain_lines(found)))


if __name__ == "__main__":
    main()
