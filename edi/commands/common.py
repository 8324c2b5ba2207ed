"""Shared pieces of the command line: options, the injected clock, exits, the store, the command groups."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from edi.store.connection import (
    DB_ENV,
    Db,
    StoreError,
    default_path,
    open_store,
)

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2
FILE = click.Path(dir_okay=False, path_type=Path)
FOLDER = click.Path(file_okay=False, path_type=Path)
ISO_TIME = click.DateTime(["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])  # an ISO date-time such as 2026-11-01T09:30
ISO_DATE = click.DateTime(["%Y-%m-%d"])


def day(_ctx: click.Context, _param: click.Parameter, value: datetime | None) -> date | None:
    """A ``--date``-like option as a date."""
    return value.date() if value is not None else None


def period(ctx: click.Context, param: click.Parameter, value: str) -> tuple[date, date]:
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
as_of_option = click.option("--as-of", type=ISO_DATE, callback=day, help="Processing date for the rules.")


def fail(message: str, code: int = EXIT_PROBLEMS) -> NoReturn:
    """An error line on stderr and the exit code."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def open_db(db_path: Path | None) -> Db:
    """Open the store or stop with a clear message (exit 2)."""
    try:
        return open_store(db_path or default_path(), create=False)
    except StoreError as error:
        fail(str(error), EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
