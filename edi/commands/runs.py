"""Inbound files: validate, replay, process, and what operators look at afterwards."""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from edi.batch.claiming import default_worker
from edi.batch.health import Limits, health
from edi.batch.lock import BatchError, StoreLock
from edi.batch.logs import LEVELS, configure, event_sink
from edi.batch.processor import BatchSettings, Folders
from edi.batch.runner import StopFlag, Watch, run_batch
from edi.batch.supervise import supervised
from edi.batch.verify import reconcile
from edi.commands.common import (
    EXIT_CLEAN,
    EXIT_PROBLEMS,
    EXIT_USAGE,
    FILE,
    FOLDER,
    StoreTarget,
    as_of_option,
    check_identity,
    clock,
    current_config,
    db_option,
    fail,
    json_option,
    main,
    now_option,
    open_db,
)
from edi.commands.terminal import log_stream, progress_bar
from edi.flows.delivery import deliver, write_outputs
from edi.flows.inbound import FileProcessor, RunSettings
from edi.guides.files import validate_file
from edi.store.connection import (
    default_path,
    integrity_problems,
)
from edi.store.seal import verify_chain
from edi.views.audit import explain as explain_key
from edi.views.audit import explain_lines, status_lines
from edi.x12.acks import AckSettings, CountingControlNumbers


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


@main.command()
@click.argument("file", type=FILE)
@db_option
@click.option("--out", "out_dir", type=FOLDER, help="Write the outputs here (they are then marked sent).")
@click.option("--dry-run", is_flag=True, help="Decide and answer, but change nothing in the store.")
@as_of_option
@now_option("Clock for dates in the outputs")
@json_option
def replay(file: Path, db_path: StoreTarget | None, out_dir: Path | None, dry_run: bool, as_of: date | None,
           now: datetime | None, as_json: bool) -> None:  # fmt: skip
    """Run FILE through the whole path and print, per transaction, the decision, the rule and the changes."""
    conn, at = open_db(db_path), clock(now)
    check_identity(conn)
    settings = RunSettings(now=at, as_of=as_of or at.date(), dry_run=dry_run, policy=current_config().policy)
    run = FileProcessor(conn, settings).run(file)
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
@click.option("--metrics", type=FILE, help="Write a Prometheus textfile here after each run.")
@click.option("--log-level", type=click.Choice(sorted(LEVELS)), default="info", show_default=True,
              help="Per-transaction events are debug; files and interchanges info.")  # fmt: skip
@click.option("--log-file", type=FILE, help="Append the log here as JSON lines (the terminal keeps the bar).")
@click.option("-q", "--quiet", is_flag=True, help="Warnings and errors only, no progress bar.")
@click.option("--worker", help="This worker's name in its claims and progress mark (default: host-pid; D17).")
@click.option("--lease", default=60.0, show_default=True, type=click.FloatRange(1),
              help="Seconds before another worker may take over a file this one stopped renewing.")  # fmt: skip
@now_option("Fixed clock for document dates")
@as_of_option
@json_option
def process(inbox: Path, outbox: Path, archive: Path | None, quarantine: Path | None, db_path: StoreTarget | None,
            watch: bool, interval: float, settle: float, max_size: int, metrics: Path | None, log_level: str,
            log_file: Path | None, quiet: bool, worker: str | None, lease: float, now: datetime | None,
            as_of: date | None, as_json: bool) -> None:  # fmt: skip
    """Process every complete file in INBOX exactly once: acknowledge, decide, answer, archive or quarantine."""
    os.umask(0o027)  # F8: what we create is not world-readable
    bar = progress_bar(quiet)
    log = log_stream(log_file, bar)
    configure(log, as_json=True if log_file else None, level="warning" if quiet else log_level)
    folders = Folders(inbox, outbox, archive or inbox.parent / "archive", quarantine or inbox.parent / "quarantine")
    settings = BatchSettings(clock=lambda: clock(now), wall_clock=time.time, as_of=as_of, settle_seconds=settle,
                             max_bytes=max_size * 1024 * 1024, policy=current_config().policy,
                             worker=worker or default_worker(), lease=timedelta(seconds=lease))  # fmt: skip
    if metrics is not None and not metrics.parent.is_dir():
        fail(f"--metrics {metrics}: the folder {metrics.parent} does not exist; nothing was processed", EXIT_USAGE)
    db = db_path or default_path()
    first = open_db(db, first_use=True)
    check_identity(first)
    first.close()  # the batch opens its own; this process keeps no map of the store's -shm (I7)
    stop = StopFlag()
    stop.install()
    try:
        loop = Watch(watch, interval, metrics, bar)
        done = supervised(
            lambda report: run_batch(
                lambda: open_db(db),
                StoreLock(db),
                folders,
                settings,
                events=event_sink(),
                stop=stop,
                loop=loop,
                report=report,
            ),
            (sys.stdout, sys.stderr, log or sys.stderr),
        )
    except BatchError as error:
        fail(str(error), EXIT_USAGE)
    finally:
        bar.close()
    if done.error:
        click.echo(f"error: the run stopped: {done.error}", err=True)
    for warning in done.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(json.dumps(done.summary.to_json(), sort_keys=True) if as_json else "\n".join(done.summary.lines()))
    troubled = done.error or done.warnings or done.summary.quarantined or done.summary.failed  # a person looks (H2)
    sys.exit(EXIT_PROBLEMS if troubled else EXIT_CLEAN)


@main.command()
@db_option
@click.option("--runs", "count", default=10, show_default=True, type=click.IntRange(1), help="How many recent runs.")
@click.option("--ack-overdue-hours", default=48.0, show_default=True, type=click.FloatRange(0), help="B13 limit.")
@click.option("--inbox", type=FOLDER, help="Also check this inbox for files waiting too long.")
@click.option("--backlog-minutes", default=60.0, show_default=True, type=click.FloatRange(0), help="Inbox limit.")
@now_option("Clock for the overdue check")
@json_option
def status(db_path: StoreTarget | None, count: int, ack_overdue_hours: float, inbox: Path | None,
           backlog_minutes: float, now: datetime | None, as_json: bool) -> None:  # fmt: skip
    """Runs, files, documents and the worker; exit 1 when something needs a person (the lines under ATTENTION)."""
    conn, at, store = open_db(db_path), clock(now), db_path or default_path()
    facts = health(conn, store, at, time.time(), inbox=inbox, limits=Limits(ack_overdue_hours, backlog_minutes),
                   runs=count)  # fmt: skip
    if as_json:
        click.echo(json.dumps(facts, indent=2, sort_keys=True))
    else:
        lines = [f"store: {facts['store']}", f"engine: {facts['engine']}"]
        click.echo("\n".join([*lines, *status_lines(conn, count, at, ack_overdue_hours)]))
        click.echo(
            "\n".join(["ATTENTION:", *(f"  {a}" for a in facts["attention"])]) if facts["attention"] else "all clear"
        )
    sys.exit(EXIT_PROBLEMS if facts["attention"] else EXIT_CLEAN)


@main.command("verify-audit")
@db_option
def verify_audit(db_path: StoreTarget | None) -> None:
    """Check the outcome rows' hash chain: exit 1 and name the first row changed after it was written."""
    conn = open_db(db_path)
    damaged = integrity_problems(conn)
    if damaged:
        fail(f"the store fails its integrity check: {'; '.join(damaged[:3])} (I8)")
    checked, broken = verify_chain(conn)
    if broken is not None:
        fail(f"the audit trail was changed: outcome row {broken} does not match its seal")
    click.echo(f"audit trail intact: {checked} outcome row(s) checked")


@main.command()
@db_option
@click.option("--archive", required=True, type=FOLDER, help="The archive folder `process` moves files to.")
@click.option("--quarantine", type=FOLDER, help="The quarantine folder (default: ARCHIVE/../quarantine).")
def verify(db_path: StoreTarget | None, archive: Path, quarantine: Path | None) -> None:
    """Reconcile archive, quarantine, ledger, outcome rows, audit chain and the store's integrity (H7, I8)."""
    result = reconcile(open_db(db_path), archive, quarantine or archive.parent / "quarantine")
    for problem in result.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(f"{result.files} archived and {result.quarantined} quarantined file(s), {result.outcomes} outcome"
               f" row(s) checked: {len(result.problems) or 'no'} problem(s)")  # fmt: skip
    sys.exit(EXIT_PROBLEMS if result.problems else EXIT_CLEAN)


@main.command()
@click.argument("key")
@db_option
@json_option
def explain(key: str, db_path: StoreTarget | None, as_json: bool) -> None:
    """One transaction's whole path, by ISA13 (every set in the interchange) or BGN02."""
    found = explain_key(open_db(db_path), key)
    if not found:
        fail(f"nothing recorded for {key!r} (an ISA13 or a BGN02)")
    click.echo(json.dumps(found, indent=2) if as_json else "\n".join(explain_lines(found)))
