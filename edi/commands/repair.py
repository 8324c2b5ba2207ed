"""Putting things right: requeue, resend, purge."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from edi.batch.repair import RepairError, purge, requeue, resend
from edi.commands.common import EXIT_PROBLEMS, FOLDER, StoreTarget, clock, db_option, fail, main, now_option, open_db


@main.command("requeue")
@click.argument("file_id", type=click.IntRange(1))
@click.option("--quarantine", required=True, type=FOLDER, help="The quarantine folder `process` uses.")
@click.option("--inbox", required=True, type=FOLDER, help="The inbox `process` reads.")
@db_option
@now_option("Clock for the file's history")
def requeue_command(
    file_id: int, quarantine: Path, inbox: Path, db_path: StoreTarget | None, now: datetime | None
) -> None:
    """Put quarantined FILE_ID back into the inbox under its ledger identity (its attempts and reasons are kept)."""
    try:
        target = requeue(open_db(db_path), file_id, quarantine, inbox, clock(now))
    except RepairError as error:
        fail(str(error), EXIT_PROBLEMS)
    click.echo(f"file #{file_id} requeued as {target}; the next `process` run takes it")


@main.command("resend")
@click.argument("document")
@click.option("--outbox", required=True, type=FOLDER, help="Where to publish it again.")
@db_option
@now_option("Clock for the audit record")
def resend_command(document: str, outbox: Path, db_path: StoreTarget | None, now: datetime | None) -> None:
    """Publish DOCUMENT (its outbox file name) again, byte for byte, for a partner who lost it; recorded."""
    try:
        written = resend(open_db(db_path), document, outbox, clock(now))
    except RepairError as error:
        fail(str(error), EXIT_PROBLEMS)
    click.echo(f"{document} published again as {written}")


@main.command("purge")
@click.option("--older-than", "days", required=True, type=click.FloatRange(0), help="Age in days.")
@click.option("--archive", required=True, type=FOLDER, help="The archive folder `process` uses.")
@click.option("--outbox", required=True, type=FOLDER, help="The outbox folder `process` publishes to.")
@db_option
@now_option("Clock for the age")
def purge_command(days: float, archive: Path, outbox: Path, db_path: StoreTarget | None, now: datetime | None) -> None:
    """Remove archived files, published outbox files and empty runs older than DAYS; audit rows and chain stay."""
    done = purge(open_db(db_path), days, archive, outbox, clock(now))
    click.echo(f"purged {done.archived_files} archived file(s), {done.documents} published document(s),"
               f" {done.runs} empty run(s) older than {days:g} day(s)")  # fmt: skip
