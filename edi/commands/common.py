"""Shared pieces of the command line: options, the injected clock, exits, the store, the command groups."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from click.core import ParameterSource

from edi.commands.settings_file import Config, ConfigError, default_map, load_config
from edi.store.connection import (
    DB_ENV,
    Db,
    EngineError,
    StoreError,
    all_settings,
    change_setting,
    default_path,
    describe_target,
    is_store_url,
    open_store,
    store_exists,
)
from edi.times import in_zone, zone

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
    """The injected clock (wall-clock time in the utility's zone) or the system clock to the minute (O8)."""
    where = zone(current_config().timezone)
    return in_zone(now, where) if now is not None else datetime.now(where).replace(second=0, microsecond=0)


StoreTarget = Path | str  # a SQLite file, or a PostgreSQL database's postgresql:// URL


class StoreParam(click.ParamType[StoreTarget, Any]):
    """``--db``: a SQLite file's path, or a ``postgresql://`` URL kept as text."""

    name = "store"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> StoreTarget:
        """The URL as given, anything else as a path."""
        return str(value) if is_store_url(value) else Path(value)


db_option = click.option(
    "--db",
    "db_path",
    type=StoreParam(),
    help=f"The store: a SQLite file, or postgresql://... (default: ${DB_ENV}, else ./sbo-edi.db).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
as_of_option = click.option("--as-of", type=ISO_DATE, callback=day, help="Processing date for the rules.")


def fail(message: str, code: int = EXIT_PROBLEMS) -> NoReturn:
    """An error line on stderr and the exit code."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def open_db(db_path: StoreTarget | None, *, first_use: bool = False) -> Db:
    """Open the store or stop with a clear message (exit 2).

    ``first_use`` (``process`` and the imports): a store the configuration file names is created when missing,
    with the file's identity; a store named by a flag or ``$SBO_EDI_DB`` never is (O3: ``sbo-edi init``).
    """
    path = db_path or default_path()
    try:
        create = first_use and _named_by_config_file() and not store_exists(path)
    except EngineError as error:
        fail(f"cannot open the store {describe_target(path)}: {error}", EXIT_USAGE)
    try:
        conn = open_store(path, create=create)
        if create:
            for key, value in current_config().identity().items():
                change_setting(conn, key, value)
        return conn
    except StoreError as error:
        fail(str(error), EXIT_USAGE)


def _named_by_config_file() -> bool:
    """Whether ``--db`` was left to the configuration file."""
    ctx = click.get_current_context(silent=True)
    return ctx is not None and ctx.get_parameter_source("db_path") == ParameterSource.DEFAULT_MAP


def check_identity(conn: Db) -> None:
    """Stop (exit 2) when the configuration file's [identity] disagrees with the store's settings."""
    stored = dict(all_settings(conn))
    for key, value in current_config().identity().items():
        if stored.get(key) != value:
            fail(f"the configuration says {key} = {value!r} but the store has {stored.get(key)!r};"
                 f" run `sbo-edi settings set {key} ...` or correct the file", EXIT_USAGE)  # fmt: skip


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sbo-edi")
@click.pass_context
def main(ctx: click.Context) -> None:
    """sbo-edi: Ameren Illinois SBO enrollments and invoices over X12 4010.

    Options default to the configuration file, $SBO_EDI_CONFIG or ./sbo-edi.toml (see `sbo-edi config show`).
    """
    try:
        ctx.obj = load_config()
    except ConfigError as error:
        fail(str(error), EXIT_USAGE)
    ctx.default_map = default_map(ctx.obj, main)


def current_config() -> Config:
    """The configuration of the command being run (built-in defaults outside one)."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_root().obj if ctx is not None else None
    return found if isinstance(found, Config) else Config()


def _group(name: str, text: str) -> click.Group:
    """A command group under ``main``."""
    group = click.Group(name, help=text)
    main.add_command(group)
    return group


accounts = _group("accounts", "Load and look at utility accounts.")
suppliers = _group("suppliers", "Registered Retail Electric Suppliers.")
calendar = _group("calendar", "The meter-read calendar and utility holidays.")
bills = _group("bills", "The utility's billing runs (input to invoicing).")
res_payments = _group(
    "res-payments", "Corrections of what RES partners paid against our 810s (820s arrive by process)."
)
invoices_group = _group("invoices", "Our SBO 810s: flags that 824s raised (D14).")
remittances_group = _group("remittances", "820 remittances (D13): what needs a person, and marking it dealt with.")
config_group = _group("config", "The configuration file and what is in force.")
settings_group = _group("settings", "The utility's own identity in the store (name, DUNS, ISA qualifier).")
cycle = _group("cycle", "Bill-group read cycles.")
