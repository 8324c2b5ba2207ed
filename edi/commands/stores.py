"""Moving a store between engines: ``sbo-edi store copy``."""

from __future__ import annotations

import sys

import click

from edi.commands.common import EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE, StoreParam, StoreTarget, fail, main, open_db
from edi.store.connection import DbError, StoreError, describe_target, open_store
from edi.store.copy import CopyError, copy_store
from edi.store.seal import verify_chain


@main.group("store")
def store_group() -> None:
    """The store itself: copy it to the other engine (SQLite to PostgreSQL, or back)."""


@store_group.command("copy")
@click.option("--from", "source", required=True, type=StoreParam(), help="The store to copy (a file or a URL).")
@click.option("--to", "target", required=True, type=StoreParam(), help="A new store: a new file, or an empty database.")
def store_copy(source: StoreTarget, target: StoreTarget) -> None:
    """Copy every row of the store FROM into the new store TO, audit chain included, then check the chain there."""
    conn = open_db(source)
    try:
        copied = open_store(target, create=True)
        result = copy_store(conn, copied)
    except (StoreError, CopyError) as error:
        fail(f"nothing copied: {error}", EXIT_USAGE)
    except DbError as error:
        fail(f"nothing copied: the database failed: {error}", EXIT_PROBLEMS)
    checked, broken = verify_chain(copied)
    click.echo(f"copied {result.total():,} row(s) of {len(result.rows)} table(s) from {describe_target(source)}"
               f" to {describe_target(target)}")  # fmt: skip
    if broken is not None:
        click.echo(f"the copy's audit chain breaks at outcome row {broken}: run `sbo-edi verify-audit` on both")
        sys.exit(EXIT_PROBLEMS)
    click.echo(f"audit trail intact on the copy: {checked} outcome row(s) checked")
    sys.exit(EXIT_CLEAN)
