"""Write edi/store/schema_pg.py: the SQLite schema at its current version, spelled for PostgreSQL (run once per baseline).

The PostgreSQL store starts at the version the SQLite migrations had reached when it was added (a new engine has
no old stores to upgrade); later migrations are written for both engines. The translation: ``INTEGER`` becomes
``BIGINT`` (gas account numbers pass 2**31), ``REAL`` ``DOUBLE PRECISION``, and tables are created in foreign-key
order (PostgreSQL checks a reference when the table is created). An ``INTEGER PRIMARY KEY`` gets its ids as
SQLite gives them, one more than the highest (so a rolled-back insert leaves no gap, and a crashed and re-run
batch gives the same ids as an uninterrupted one): a trigger per table, under the store's writer lock.
"""

from __future__ import annotations

import re
import sqlite3
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from edi.store.migrate import STEPS, migrate  # noqa: E402

TARGET = ROOT / "edi" / "store" / "schema_pg.py"


def _translate(sql: str) -> str:
    sql = re.sub(r"\s+--[^\n]*", "", sql)  # the comments stay in schema.py, where the migrations are
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)
    lines = [line.rstrip() for line in sql.splitlines()]
    return "\n".join(line for line in lines if line.strip())


def _ordered(tables: dict[str, str]) -> list[str]:
    """Table names with every referenced table first (a table may refer to itself)."""
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            raise SystemExit(f"foreign keys form a circle through {name}; add that reference with ALTER TABLE")
        for target in re.findall(r"REFERENCES (\w+)", tables[name]):
            if target != name:
                visit(target, (*path, name))
        done.append(name)

    for name in sorted(tables):
        visit(name, ())
    return done


WRITER_LOCK = 7_411_000  # edi/store/postgres.py

ID_TRIGGER = (
    "CREATE FUNCTION {t}_next_id() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    IF NEW.id IS NULL THEN\n"
    "        PERFORM pg_advisory_xact_lock({lock});\n"
    "        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM {t};\n    END IF;\n    RETURN NEW;\nEND $$",
    "CREATE TRIGGER {t}_id BEFORE INSERT ON {t}\n    FOR EACH ROW EXECUTE FUNCTION {t}_next_id()",
)


def main(target: Path = TARGET) -> None:
    """Migrate a SQLite store in memory and write its schema and seed rows for PostgreSQL to ``target``."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    migrate(conn)
    rows = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid").fetchall()
    tables = {name: sql for kind, name, sql in rows if kind == "table"}
    statements = [_translate(tables[name]) for name in _ordered(tables)]
    statements += [_translate(sql) for kind, _, sql in rows if kind == "index"]
    for name in _ordered(tables):
        if re.search(r"\bid INTEGER PRIMARY KEY\b", tables[name]):
            statements += [template.format(t=name, lock=WRITER_LOCK) for template in ID_TRIGGER]
    for table in ("settings", "sequences"):
        for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1"):
            values = ", ".join(repr(v) if isinstance(v, str) else str(v) for v in row)
            statements.append(f"INSERT INTO {table} VALUES ({values})")
    quote = '"' * 3
    body = "".join(f"    {quote}\n{statement}\n{quote},\n" for statement in statements)
    head = f"The PostgreSQL store's schema at version {len(STEPS)} (written by scripts/make_pg_schema.py)"
    text = f"{quote}{head}.{quote}\n\nfrom __future__ import annotations\n\nBASELINE_VERSION = {len(STEPS)}\n"
    target.write_text(f"{text}\nBASELINE: tuple[str, ...] = (\n{body})\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TARGET)
