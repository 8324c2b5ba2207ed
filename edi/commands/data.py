"""Reference data and accounts: the snapshot imports, accounts show, our own settings."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import click

from edi.commands.common import (
    EXIT_PROBLEMS,
    EXIT_USAGE,
    FILE,
    ISO_DATE,
    StoreTarget,
    accounts,
    bills,
    calendar,
    clock,
    config_group,
    current_config,
    day,
    db_option,
    fail,
    json_option,
    main,
    now_option,
    open_db,
    res_payments,
    settings_group,
    suppliers,
)
from edi.commands.settings_file import CONFIG_ENV, DEFAULT_CONFIG, KEYS
from edi.flows.outbound import final
from edi.naming import mask_account
from edi.store import snapshot
from edi.store.account_view import account_view
from edi.store.connection import (
    Db,
    EngineError,
    StoreError,
    all_settings,
    change_setting,
    default_path,
    describe_target,
    open_store,
    store_exists,
    transaction,
)
from edi.store.migrate import schema_version
from edi.store.refresh import refresh_accounts
from edi.views.account import render_account


def _import_command(group: click.Group, what: str, loader: Callable[[Db, Path, datetime], int], schema: str) -> None:
    """``GROUP import FILE``: all or nothing, every bad line listed (the schema names what a line holds)."""

    @group.command("import", help=f"Load JSON Lines (edi/schemas/{schema}), all or nothing.")
    @click.argument("file", type=FILE)
    @db_option
    @now_option("Clock for the import record")
    def command(file: Path, db_path: StoreTarget | None, now: datetime | None) -> None:
        conn = open_db(db_path, first_use=True)
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
@click.option("--as-of", type=ISO_DATE, callback=day, help="Show the account as of this date (default: today).")
@json_option
def accounts_show(number: str, db_path: StoreTarget | None, as_of: date | None, as_json: bool) -> None:
    """What the customer portal shows for ACCOUNT, then what the processor changed and why."""
    view = account_view(open_db(db_path), number, as_of or clock(None).date())
    if view is None:
        fail(f"no account {number!r} in the store")
    click.echo(json.dumps(view, indent=2) if as_json else render_account(view))


@settings_group.command("show")
@db_option
def settings_show(db_path: StoreTarget | None) -> None:
    """Every setting and its value."""
    for key, value in all_settings(open_db(db_path)):
        click.echo(f"{key} = {value}")


@settings_group.command("set")
@click.argument("key")
@click.argument("value")
@db_option
def settings_set(key: str, value: str, db_path: StoreTarget | None) -> None:
    """Change one setting (checked: an invalid DUNS or qualifier is refused)."""
    try:
        change_setting(open_db(db_path), key, value)
    except StoreError as error:
        fail(str(error), EXIT_USAGE)
    click.echo(f"{key} = {value}")


@main.command()
@db_option
def init(db_path: StoreTarget | None) -> None:
    """Create the store (and its folder), or bring an existing one to the current schema; says which.

    Our identity from the configuration file's [identity] table, if it has one, is written to the store.
    """
    path = db_path or default_path()
    try:
        existed = store_exists(path)
    except EngineError as error:
        fail(f"cannot open the store {describe_target(path)}: {error}", EXIT_USAGE)
    try:
        conn = open_store(path, create=True)
        for key, value in current_config().identity().items():
            change_setting(conn, key, value)
    except StoreError as error:
        fail(str(error), EXIT_USAGE)
    version = schema_version(conn)
    click.echo(f"store {describe_target(path)}: {'already there' if existed else 'created'}, schema version {version}")


@config_group.command("show")
@json_option
def config_show(as_json: bool) -> None:
    """Every configuration key: the value in force and where it comes from (the file, $SBO_EDI_DB or default)."""
    config = current_config()
    rows = [{"key": key, "value": config.in_force(key), "source": config.origin(key)} for key in KEYS]
    if as_json:
        click.echo(json.dumps({"file": str(config.source) if config.source else None, "keys": rows}, indent=2))
        return
    click.echo(f"configuration file: {config.source or f'none (${CONFIG_ENV} unset, no ./{DEFAULT_CONFIG})'}")
    for row in rows:
        value = "(unset)" if row["value"] is None else json.dumps(row["value"])
        click.echo(f"{row['key']} = {value}    # {row['source']}")


@accounts.command("refresh")
@click.argument("file", type=FILE)
@db_option
def accounts_refresh(file: Path, db_path: StoreTarget | None) -> None:
    """Refresh billing facts (balance, due date, past due, bills, payments, budget plan) from a new snapshot.

    What sbo-edi decided (supply rows, switch notices, gas splits, the timeline, a budget plan it ended) stays.
    All or nothing; prints what changed.
    """
    at = clock(None)
    try:  # D9: an account the snapshot finals owes its RES a drop notice from today, in the same transaction
        changed = refresh_accounts(open_db(db_path), file, lambda conn, number: _final_quietly(conn, number, at))
    except snapshot.SnapshotError as error:
        click.echo(f"{file}: nothing refreshed; {len(error.errors)} line(s) rejected:", err=True)
        for line_error in error.errors:
            click.echo(f"  {line_error.describe()}", err=True)
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"{file}: " + (", ".join(f"{kind} {n}" for kind, n in sorted(changed.items())) or "nothing in it"))


def _final_quietly(conn: Db, number: str, at: datetime) -> None:
    """An account a refresh finals: as ``accounts final`` from today (its RES is owed the drop notice)."""
    final(conn, number, at.date(), at)


@accounts.command("final")
@click.argument("number")
@click.option("--date", "day", required=True, type=ISO_DATE, callback=day, help="The last day of service.")
@db_option
@now_option("Clock for the notice")
def accounts_final(number: str, day: date, db_path: StoreTarget | None, now: datetime | None) -> None:
    """ACCOUNT finals (move-out): status final, a RES's supply ends, and that RES is owed an 814 drop notice (D9).

    The notice goes into the outbox; the next `process` publishes it.
    """
    conn, at = open_db(db_path), clock(now)
    try:
        with transaction(conn):
            output = final(conn, number, day, at)
    except StoreError as error:
        fail(str(error), EXIT_USAGE)
    click.echo(f"{mask_account(number)} finaled from {day}: " +
               (f"drop notice {output.file_name} owed to the RES" if output else "no RES served it"))  # fmt: skip
