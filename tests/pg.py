"""A throwaway PostgreSQL cluster for the tests: started once, a fresh database per test, stopped at the end.

``initdb`` and ``pg_ctl`` refuse to run as root, so as root they run as the ``postgres`` user (``runuser``) in a
short folder that user owns; the server listens on a Unix socket only, with fsync on (the store checks it). Where
the machine cannot start a server the tests that need one skip, saying why, unless ``SBO_EDI_PG_REQUIRED`` is set
(CI sets it in .ci/run): then they fail.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

REQUIRED_ENV = "SBO_EDI_PG_REQUIRED"
TEMPLATE = "sbo_template"


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class Cluster:
    """One server in a temporary folder; ``database()`` gives the URL of a new database made from the template."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="sbo-pg-", dir="/tmp"))
        self._names = itertools.count(1)
        self._as_root = os.geteuid() == 0
        self.started = False

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_root else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120, cwd=self.folder)

    def start(self) -> None:
        """initdb and start the server (raises RuntimeError saying why it could not)."""
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError("PostgreSQL's initdb and pg_ctl are not installed (Debian: apt-get install postgresql)")
        if self._as_root:
            shutil.chown(self.folder, "postgres")
        data = self.folder / "data"
        try:
            self._run(initdb, "-D", str(data), "--locale=C.UTF-8", "-E", "UTF8", "-A", "trust", "-U", "postgres")
            options = f"-c listen_addresses='' -c unix_socket_directories={self.folder} -c max_connections=200"
            self._run(pg_ctl, "-D", str(data), "-o", options, "-l", str(self.folder / "log"), "-w", "start")
        except (subprocess.CalledProcessError, OSError) as error:
            detail = getattr(error, "stderr", b"") or b""
            raise RuntimeError(f"cannot start PostgreSQL: {error} {detail.decode(errors='replace')}") from error
        self.started = True
        self._sql(f"CREATE DATABASE {TEMPLATE} TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'")
        from edi.store.connection import open_store  # the template holds a migrated, empty store

        open_store(self.url(TEMPLATE)).close()

    def url(self, database: str) -> str:
        """The URL of one database on this server."""
        return f"postgresql://postgres@/{database}?host={self.folder}"

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def database(self, empty: bool = False) -> str:
        """A new database: a migrated empty store (or, with ``empty``, no schema at all); its URL."""
        name = f"t{next(self._names)}"
        source = "template0" if empty else TEMPLATE
        self._sql(f"CREATE DATABASE {name} TEMPLATE {source} LC_COLLATE 'C' LC_CTYPE 'C'")
        return self.url(name)

    def copy(self, url: str) -> str:
        """A new database holding what the database at ``url`` holds (nobody may be connected to it)."""
        source = url.split("?", 1)[0].rsplit("/", 1)[1]
        name = f"t{next(self._names)}"
        self._sql(f"CREATE DATABASE {name} TEMPLATE {source}")
        return self.url(name)

    def stop(self) -> None:
        """Stop the server and remove its folder."""
        if self.started:
            with contextlib.suppress(subprocess.CalledProcessError, OSError, subprocess.TimeoutExpired):
                self._run(_binary("pg_ctl") or "pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


def required() -> bool:
    """True where a PostgreSQL server must be started (CI), so a failure to start fails rather than skips."""
    return os.environ.get(REQUIRED_ENV, "") not in ("", "0")
