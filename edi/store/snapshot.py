"""Loading JSON Lines snapshots (accounts, suppliers, calendar) checked against the schemas in edi/schemas/."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson
from jsonschema import Draft202012Validator

from edi.store.connection import transaction
from edi.store.engine import CheckFailedError, ConstraintError, Db, IntegrityErrors
from edi.store.remittances import open_invoices, replace_remitters
from edi.times import stamp

MAX_LINE_ERRORS = 50  # per file: enough to fix a batch, never a flood


@dataclass(frozen=True)
class LineError:
    """One rejected line: its number and what is wrong with it."""

    line: int
    message: str

    def describe(self) -> str:
        """``line 12: ...`` for the terminal."""
        return f"line {self.line}: {self.message}"


class SnapshotError(Exception):
    """The file was not loaded: nothing of it is in the store."""

    def __init__(self, path: Path, errors: list[LineError]) -> None:
        super().__init__(f"{path}: {len(errors)} line(s) rejected, nothing loaded")
        self.errors = errors


@cache
def _schema(kind: str) -> dict[str, Any]:
    text = resources.files("edi.schemas").joinpath(f"{kind}.schema.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


@cache
def _validator(kind: str) -> Draft202012Validator:
    """The reference implementation: it names what is wrong with a line."""
    return Draft202012Validator(_schema(kind))


@cache
def _compiled(kind: str) -> Any:
    """The same schema compiled (jsonschema-rs): it only says whether a line is valid, forty times faster."""
    return jsonschema_rs.Draft202012Validator(_schema(kind))


def _schema_problem(kind: str, record: Any, line: str) -> str | None:
    """What the schema finds wrong first (by path), or None; the compiled check answers the common case."""
    if _compiled(kind).is_valid(record):
        return None
    problems = sorted(_validator(kind).iter_errors(json.loads(line)), key=lambda e: list(e.absolute_path))
    if not problems:
        return "the record does not match its schema"  # the two implementations disagree: refuse, never guess
    where = "/".join(str(p) for p in problems[0].absolute_path) or "(line)"
    return f"{where}: {problems[0].message}"


def _parsed(line: str) -> Any:
    """One line as ``json.loads`` reads it, by orjson (three times faster) where it reads the line at all.

    A line orjson refuses (NaN, 1e400, lone surrogates, a syntax error) is read by ``json`` itself, so its value or
    its error message is exactly ``json``'s. The one value orjson reads otherwise, an integer past 64 bits (a float),
    fails every schema here as either (every integer field is bounded, every other field is text), and the
    problem named for a refused line is found on ``json``'s reading of it (``_schema_problem``).
    """
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line)


def _records(path: Path, kind: str, errors: list[LineError]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Parsed, schema-valid lines; every problem appended to ``errors``."""
    try:
        handle = open(path, encoding="utf-8")  # noqa: SIM115 - closed below
    except OSError as error:
        errors.append(LineError(0, f"cannot open: {error.strerror or type(error).__name__}"))
        return
    with handle:
        try:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    record = _parsed(line)
                except json.JSONDecodeError as error:
                    errors.append(LineError(number, f"not JSON: {error.msg} at column {error.colno}"))
                    continue
                problem = _schema_problem(kind, record, line)
                if problem is not None:
                    errors.append(LineError(number, problem))
                    continue
                bad_date = _first_bad_date(line)
                if bad_date:
                    errors.append(LineError(number, f"{bad_date!r} is not a calendar date"))
                    continue
                yield number, record
        except UnicodeDecodeError:
            errors.append(LineError(0, "the file is not UTF-8 text"))


_DATE_VALUE = re.compile(r'"([0-9]{4}-[0-9]{2}-[0-9]{2})"')
_GOOD_DATES: set[str] = set()


def _first_bad_date(line: str) -> str | None:
    """The schema checks the shape of dates; this checks that each one exists (no 2026-02-30).

    Dates are found in the line's text; a line with escapes is read back as the parser decoded it first.
    """
    text = json.dumps(json.loads(line)) if "\\" in line else line
    values = _DATE_VALUE.findall(text)
    if _GOOD_DATES.issuperset(values):  # the common case, in one C call: every date on the line seen before
        return None
    for value in values:
        if value in _GOOD_DATES:
            continue
        try:
            date.fromisoformat(value)
        except ValueError:
            return str(value)
        if len(_GOOD_DATES) < 100_000:
            _GOOD_DATES.add(value)
    return None


Loader = Callable[[Db, dict[str, Any]], None]
Batch = Callable[[Db, list[dict[str, Any]]], None]


BLOCK = 1000  # lines inserted together by a batch loader


def load_lines(conn: Db, path: Path, kind: str, loader: Loader, batch: Batch | None = None) -> int:
    """All or nothing: every line checked, then loaded in one transaction; any error leaves the store as it was.

    With ``batch``, lines go in a block at a time (one ``executemany`` per table); a block that breaks a
    constraint is loaded again line by line, so every bad line is still named.
    """
    errors: list[LineError] = []
    loaded = 0
    block: list[tuple[int, dict[str, Any]]] = []
    with transaction(conn) as tx:  # SnapshotError raised inside rolls every line back
        for number, record in _records(path, kind, errors):
            if len(errors) >= MAX_LINE_ERRORS:
                break
            if batch is None:
                loaded += _one_line(tx, loader, number, record, errors)
                continue
            block.append((number, record))
            if len(block) == BLOCK:
                loaded += _one_block(tx, loader, batch, block, errors)
                block = []
        if block and batch is not None and len(errors) < MAX_LINE_ERRORS:
            loaded += _one_block(tx, loader, batch, block, errors)
        if errors:
            raise SnapshotError(path, errors)
    return loaded


def _one_line(tx: Db, loader: Loader, number: int, record: dict[str, Any],
              errors: list[LineError]) -> int:  # fmt: skip
    """One line in its own savepoint: 1 when loaded, 0 (and its error) when the store refused it."""
    try:
        tx.execute("SAVEPOINT line")
        loader(tx, record)
        tx.execute("RELEASE line")
        return 1
    except IntegrityErrors as error:
        tx.execute("ROLLBACK TO line")
        tx.execute("RELEASE line")
        errors.append(LineError(number, _integrity_message(error)))
        return 0


def _one_block(tx: Db, loader: Loader, batch: Batch, block: list[tuple[int, dict[str, Any]]],
               errors: list[LineError]) -> int:  # fmt: skip
    """A block of lines together; on a constraint error, the same lines one by one (to name each bad one)."""
    try:
        tx.execute("SAVEPOINT block")
        batch(tx, [record for _, record in block])
        tx.execute("RELEASE block")
        return len(block)
    except IntegrityErrors:
        tx.execute("ROLLBACK TO block")
        tx.execute("RELEASE block")
    return sum(_one_line(tx, loader, number, record, errors) for number, record in block)


def _integrity_message(error: Exception) -> str:
    """The words a line's error gives for a refused row, the same from either engine."""
    text = str(error)
    if isinstance(error, ConstraintError) and not isinstance(error, CheckFailedError):
        text = f"{error.kind.upper()} constraint failed: {error.where}"
    if text.startswith(("FOREIGN KEY: ", "CHECK: ")):
        return text.split(": ", 1)[1]
    if "UNIQUE" in text:
        return f"already in the store ({text.split(':', 1)[-1].strip()})"
    if "FOREIGN KEY" in text:
        return "refers to something not in the store"
    return text


def import_accounts(conn: Db, path: Path) -> int:
    """Load an accounts snapshot (one account per line, account.schema.json)."""
    return load_lines(conn, path, "account", insert_account, insert_accounts)


def import_suppliers(conn: Db, path: Path) -> int:
    """Load registered suppliers (supplier.schema.json); a known DUNS is updated."""
    return load_lines(conn, path, "supplier", _insert_supplier)


def import_calendar(conn: Db, path: Path) -> int:
    """Load scheduled reads per bill group and utility holidays (calendar.schema.json)."""
    return load_lines(conn, path, "calendar", _insert_calendar)


def import_bills(conn: Db, path: Path, now: datetime) -> int:
    """Load a billing run (bill.schema.json): the same bill again changes nothing, a different one is a correction."""
    return load_lines(conn, path, "bill", lambda tx, record: _insert_bill(tx, record, now))


def import_res_payments(conn: Db, path: Path) -> int:
    """Load RES payments against our invoices (res_payment.schema.json)."""
    return load_lines(conn, path, "res_payment", _insert_res_payment)


def _insert_res_payment(conn: Db, r: dict[str, Any]) -> None:
    """D13's checks for a payment entered by hand: an 810 of ours, and no more than is open unless it says so."""
    found = open_invoices(conn, [r["invoice"]]).get(r["invoice"])
    if found is None:
        raise CheckFailedError(f"FOREIGN KEY: no invoice {r['invoice']}")
    beyond = bool(r.get("beyond_open"))
    if Decimal(r["amount"]) > found.open_amount and not beyond:
        raise CheckFailedError(f"CHECK: {r['amount']} is more than the {found.open_amount} open on"
                                     f" {r['invoice']}; add \"beyond_open\": true to record it anyway")  # fmt: skip
    conn.execute(
        "INSERT INTO res_payments (invoice_number, amount, paid_on, beyond_open) VALUES (?, ?, ?, ?)",
        (r["invoice"], r["amount"], r["paid_on"], int(beyond)),
    )


def _check_bill(conn: Db, r: dict[str, Any]) -> None:
    account = conn.execute("SELECT bill_group FROM accounts WHERE number = ?", (r["account"],)).fetchone()
    if account is None:
        raise CheckFailedError("FOREIGN KEY: no such account")
    if int(account[0]) != r["bill_group"]:
        raise CheckFailedError(f"CHECK: the account is in bill group {account[0]}, not {r['bill_group']}")
    if r["period_end"] <= r["period_start"]:
        raise CheckFailedError("CHECK: period_end must be after period_start")


def _bill_lines(bill_id: int, sp: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(bill_id, sp["id"], n, line["kind"], line["code"], line["description"], line.get("rate", ""),
             line.get("quantity", ""), line.get("unit", ""), line["amount"], line["print_order"],
             line.get("tax_type", "ZZ" if line["kind"] == "tax" else ""))
            for n, line in enumerate(sp["lines"], 1)]  # fmt: skip


def _insert_bill(conn: Db, r: dict[str, Any], now: datetime) -> None:
    _check_bill(conn, r)
    digest = hashlib.sha256(json.dumps(r, sort_keys=True).encode("utf-8")).hexdigest()
    latest = conn.execute("SELECT version, content_hash FROM bills_run WHERE account_number = ? AND period_start = ?"
                          " AND period_end = ? ORDER BY version DESC LIMIT 1",
                          (r["account"], r["period_start"], r["period_end"])).fetchone()  # fmt: skip
    if latest is not None and latest[1] == digest:
        return  # the same bill imported again
    version = 1 if latest is None else int(latest[0]) + 1
    row = (r["account"], r["bill_group"], r["period_start"], r["period_end"], version, digest,
           stamp(now))  # fmt: skip
    cursor = conn.execute("INSERT INTO bills_run (account_number, bill_group, period_start, period_end, version,"
                          " content_hash, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id", row)  # fmt: skip
    bill_id = int(cursor.fetchall()[0][0])
    for sp in r["service_points"]:
        owner = conn.execute("SELECT account_number FROM service_points WHERE id = ?", (sp["id"],)).fetchone()
        if owner is None or owner[0] != r["account"]:
            raise CheckFailedError(f"FOREIGN KEY: service point {sp['id']} is not on the account")
        conn.execute("INSERT INTO bill_usage VALUES (?, ?, ?, ?, ?)",
                     (bill_id, sp["id"], sp.get("kwh", "0"), sp.get("kw", "0"), sp.get("therms", "0")))  # fmt: skip
        conn.executemany("INSERT INTO bill_lines VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", _bill_lines(bill_id, sp))


def _insert_supplier(conn: Db, r: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO suppliers VALUES (?, ?, ?) ON CONFLICT(duns) DO UPDATE SET name = excluded.name,"
        " billing_types = excluded.billing_types",
        (r["duns"], r["name"], " ".join(r["billing_types"])),
    )
    replace_remitters(conn, r["duns"], r.get("remitters", []))  # D13


def _insert_calendar(conn: Db, r: dict[str, Any]) -> None:
    if "holiday" in r:
        conn.execute("INSERT INTO holidays VALUES (?, ?) ON CONFLICT (day) DO UPDATE SET name = excluded.name",
                     (r["holiday"], r.get("name", "")))  # fmt: skip
        return
    conn.executemany(
        "INSERT INTO read_dates VALUES (?, ?) ON CONFLICT DO NOTHING", [(r["bill_group"], d) for d in r["reads"]]
    )


def _account_row(r: dict[str, Any]) -> tuple[Any, ...]:
    customer, direct_pay = r["customer"], r.get("direct_pay")
    return (r["number"], r["status"], customer["name"], customer.get("street", ""), customer.get("city", ""),
            customer.get("state", ""), customer.get("zip", ""), r["bill_group"], r.get("balance", "0.00"),
            r.get("due_date"), r.get("summary_group"), 1 if direct_pay else 0,
            direct_pay["bank_last4"] if direct_pay else "", 1 if r.get("usage_released") else 0)  # fmt: skip


def insert_account(conn: Db, r: dict[str, Any]) -> None:
    """One account with its service points, supply, past due, budget plan, bills and payments."""
    insert_accounts(conn, [r])


ACCOUNT_TABLES = (
    ("INSERT INTO accounts (number, status, customer_name, street, city, state, zip, bill_group, balance, due_date,"
     " summary_group, direct_pay, direct_pay_bank, usage_released) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"),
    "INSERT INTO service_points VALUES (?, ?, ?, ?, ?)",
    ("INSERT INTO supply (sp_id, supplier_duns, billing_type, bill_calculator, effective, kind, supplier_account)"
     " VALUES (?, ?, ?, ?, ?, 'snapshot', ?)"),
    "INSERT INTO past_due VALUES (?, ?, ?)",
    "INSERT INTO budget_plans (account_number, monthly_amount, start_date) VALUES (?, ?, ?)",
    "INSERT INTO budget_periods VALUES (?, ?, ?, ?, ?)",
    "INSERT INTO bills VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "INSERT INTO payments VALUES (?, ?, ?, ?)",
)  # fmt: skip


def insert_accounts(conn: Db, records: list[dict[str, Any]]) -> None:
    """Many accounts at once: the rows ``insert_account`` writes, one ``executemany`` per table, parents first."""
    rows: list[list[tuple[Any, ...]]] = [[] for _ in ACCOUNT_TABLES]
    for r in records:
        number = r["number"]
        rows[0].append(_account_row(r))
        for sp in r["service_points"]:
            rows[1].append((sp["id"], number, sp["commodity"], sp["rate_class"], sp.get("meter", "")))
            rows[2] += [(sp["id"], s.get("supplier"), s["billing_type"], s["bill_calculator"], s["effective"],
                         s.get("supplier_account", "")) for s in sp.get("supply", [])]  # fmt: skip
        rows[3] += [(number, p["amount"], p["due_date"]) for p in r.get("past_due", [])]
        budget = r.get("budget")
        if budget:
            rows[4].append((number, budget["monthly_amount"], budget["start"]))
            rows[5] += [(number, p["period_end"], p["billed"], p["paid"], p["actual"]) for p in budget["periods"]]
        rows[6] += [(number, b["period_start"], b["period_end"], b["bill_date"], b["due_date"], b["amount"],
                     b.get("kwh", "0"), b.get("therms", "0")) for b in r.get("bills", [])]  # fmt: skip
        rows[7] += [(number, p["date"], p["amount"], p.get("method", "")) for p in r.get("payments", [])]
    for statement, table_rows in zip(ACCOUNT_TABLES, rows, strict=True):
        if table_rows:
            conn.executemany(statement, table_rows)
