"""The PostgreSQL store's schema: the SQLite migrations' result, spelled for PostgreSQL when a store is created.

A new PostgreSQL store starts at the version the SQLite migrations have reached (a new store has no old schema to
upgrade); a migration added later runs on both engines, so it is written in SQL both accept. The translation:
``INTEGER`` becomes ``BIGINT`` (gas account numbers pass 2**31), ``REAL`` ``DOUBLE PRECISION``, and tables are
created in foreign-key order (PostgreSQL checks a reference when the table is created). An ``id INTEGER PRIMARY
KEY`` gets its ids as SQLite gives them, one more than the highest (a rolled-back insert leaves no gap, so a batch
killed and run again leaves the same ids as one never killed): a trigger per table, under the writer lock.
"""

from __future__ import annotations

import re
import sqlite3

WRITER_LOCK = 7_411_000  # every write transaction holds it from BEGIN to its end (edi/store/postgres.py)
_ID_TRIGGER = (
    "CREATE FUNCTION {t}_next_id() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.id IS NULL THEN"
    " PERFORM pg_advisory_xact_lock({lock}); SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM {t}; END IF;"
    " RETURN NEW; END $$",
    "CREATE TRIGGER {t}_id BEFORE INSERT ON {t} FOR EACH ROW EXECUTE FUNCTION {t}_next_id()",
)
SEEDED = ("settings", "sequences")  # the rows a new store starts with


def _translate(sql: str) -> str:
    """One SQLite CREATE statement in PostgreSQL's types."""
    sql = re.sub(r"\s+--[^\n]*", "", sql)  # comments stay in schema.py, where the migrations are
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql)
    return re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql)


def ordered(tables: dict[str, str]) -> list[str]:
    """Table names with every referenced table first (a table may refer to itself)."""
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...]) -> None:
        if name in done:
            return
        if name in path:
            raise RuntimeError(f"foreign keys form a circle through {name}; add that reference with ALTER TABLE")
        for target in re.findall(r"REFERENCES (\w+)", tables[name]):
            if target != name:
                visit(target, (*path, name))
        done.append(name)

    for name in sorted(tables):
        visit(name, ())
    return done


def created_tables(migrated: sqlite3.Connection) -> dict[str, str]:
    """Each table of a migrated SQLite store and the statement that creates it as it is now."""
    rows = migrated.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid").fetchall()
    return {str(name): str(sql) for name, sql in rows}


def postgres_schema(migrated: sqlite3.Connection) -> list[str]:
    """The statements that give a PostgreSQL database what the migrated SQLite store holds, seed rows included."""
    tables = created_tables(migrated)
    statements = [_translate(tables[name]) for name in ordered(tables)]
    indexes = migrated.execute("SELECT sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY rowid")
    statements += [_translate(str(sql)) for (sql,) in indexes]
    for name in ordered(tables):
        if re.search(r"\bid INTEGER PRIMARY KEY\b", tables[name]):
            statements += [template.format(t=name, lock=WRITER_LOCK) for template in _ID_TRIGGER]
    for table in SEEDED:
        for row in migrated.execute(f"SELECT * FROM {table} ORDER BY 1"):
            values = ", ".join("'" + v.replace("'", "''") + "'" if isinstance(v, str) else str(v) for v in row)
            statements.append(f"INSERT INTO {table} VALUES ({values})")
    return statements
