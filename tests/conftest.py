"""Fixtures shared by every test module: the PostgreSQL cluster (tests/pg.py) and a store of each engine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import Cluster, required

ENGINES = ("sqlite", "postgresql")
_PG_STATE: dict[str, object] = {}


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The session's PostgreSQL server, started on first use (skips where it cannot start, unless required)."""
    cluster = Cluster()
    try:
        cluster.start()
    except RuntimeError as error:
        cluster.stop()
        _PG_STATE["failed"] = str(error)
        if required():
            pytest.fail(f"PostgreSQL is required here ({required.__doc__}) but {error}")
        pytest.skip(f"no PostgreSQL server on this machine: {error}")
    _PG_STATE["started"] = True
    yield cluster
    cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: Cluster) -> str:
    """A new PostgreSQL database holding a migrated, empty store."""
    return pg_cluster.database()


@pytest.fixture(params=ENGINES)
def store_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a new store goes, once per engine: a SQLite file path, or a new PostgreSQL database's URL."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    return cluster.database()


def pg_started() -> bool:
    """True once this session has started its PostgreSQL server."""
    return bool(_PG_STATE.get("started"))
