"""Adding a transaction set is rows: a toy inbound set and a toy outbound document run through ``process``.

The toy is registered in temporary tables (a map, a SetRow, a KindRow, a DocumentKind) handed to the batch; no
module of the engine is touched. Its sets are 814-shaped under ST01 816 in a GS01 OR group, so our own map
(copied under the toy's name) validates them.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from edi.flows.inbound import KINDS, SETS, Handled, HandlerContext, KindRow, SetRow, Staged, Tables
from edi.guides.compiler import load_guides
from edi.guides.mapdir import MAPS_DIR
from edi.store import queries
from edi.store.connection import open_store
from edi.store.ledger import OutcomeKey, record_outcome
from edi.store.seal import verify_chain
from edi.transactions.documents import DOCUMENTS, DocumentKind, Owed, acknowledged_kinds, table
from edi.transactions.tx814 import Request814, parse_request
from edi.x12.writer import SetText, segment_line
from rules.outcomes import Outcome, OutcomeKind
from scripts.make_example_data import interchange, request
from tests.batch_helpers import folders, prepared_store, process
from tests.store_helpers import NOW

TOY_MAP = "TOY.4010.xml"
TOY_ANSWER = DocumentKind("toy", "OR", "816", True, lambda: None, TOY_MAP, "a toy answer")


def _toy_maps(folder: Path) -> Path:
    """Our maps, plus the 814 map again as ST01 816 under GS01 OR."""
    shutil.copytree(MAPS_DIR, folder)
    toy = (folder / "814.4010.IL.xml").read_text(encoding="utf-8")
    toy = toy.replace('<transaction xid="814">', '<transaction xid="816">', 1).replace(
        "<code>814</code>", "<code>816</code>"
    )
    (folder / TOY_MAP).write_text(toy, encoding="utf-8")
    index = (folder / "maps.xml").read_text(encoding="utf-8")
    entry = f'<map vriic="004010" fic="OR" abbr="816">{TOY_MAP}</map>\n  </version>'
    (folder / "maps.xml").write_text(index.replace("</version>", entry, 1), encoding="utf-8")
    return folder


def handle_toy(ctx: HandlerContext, item: Staged, key: OutcomeKey) -> Handled:
    """Accept the toy, record its outcome with its subject, and owe the sender one toy answer."""
    assert isinstance(item.parsed, Request814)
    subject = item.parsed.subject
    outcome = Outcome(OutcomeKind.ACCEPTED, note="toy")
    record_outcome(ctx.conn, key, ctx.now, outcome, subject=subject)
    body = SetText(segment_line("BGN", "11", f"TOY{item.st02}", "20261102", "", "", subject.reference), 1)
    return Handled(outcome, subject, [Owed(TOY_ANSWER, body)])


def _toy_file(path: Path) -> Path:
    sets = [request(f"000{n}", f"RQ-TOY-{n}", f"100000000{n}") for n in (1, 2)]
    text = interchange(4242, sets).replace("GS*GE*", "GS*OR*").replace("ST*814*", "ST*816*")
    path.write_text(text, encoding="ascii")
    return path


def test_a_toy_set_and_a_toy_document_run_through_process_as_rows(tmp_path: Path) -> None:
    guides = load_guides(_toy_maps(tmp_path / "maps"))
    tables = Tables({**SETS, "816": SetRow("816", parse_request, lambda _parsed: "toy")},
                    {**KINDS, "toy": KindRow("toy", handle_toy, primes_account=True)}, guides)  # fmt: skip
    db = prepared_store(tmp_path / "store")
    f = folders(tmp_path)
    _toy_file(f.inbox / "toy.edi")

    summary = process(db, f, tables=tables)

    assert summary.transactions == 2
    outputs = sorted(p.name for p in f.outbox.iterdir())
    assert [n.rsplit(".", 1)[1] for n in outputs] == ["997", "toy"]
    ack = next(f.outbox.glob("*.997")).read_text()
    assert "AK1*OR*4242~" in ack and "AK9*A*2*2*2~" in ack
    answer = next(f.outbox.glob("*.toy")).read_text()
    assert answer.count("GS*OR*") == 1 and answer.count("ST*816*") == 2 and "GE*2*" in answer
    assert answer.startswith("ISA*00*") and "*01*222222222      *" in answer[:106]  # back to the sender

    conn = open_store(db)
    rows = conn.execute("SELECT request_id, outcome FROM outcomes ORDER BY id").fetchall()
    assert [tuple(r) for r in rows] == [("RQ-TOY-1", "accepted"), ("RQ-TOY-2", "accepted")]
    assert verify_chain(conn)[1] is None  # the outcome rows are sealed onto the chain
    assert conn.execute("SELECT count(*) FROM outbox WHERE kind = 'toy'").fetchone()[0] == 1


def test_the_overdue_watch_reads_the_outbound_table(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "store")
    f = folders(tmp_path)
    guides = load_guides(_toy_maps(tmp_path / "maps"))
    tables = Tables({**SETS, "816": SetRow("816", parse_request, lambda _parsed: "toy")},
                    {**KINDS, "toy": KindRow("toy", handle_toy)}, guides)  # fmt: skip
    _toy_file(f.inbox / "toy.edi")
    process(db, f, tables=tables)
    conn = open_store(db)
    later = NOW + timedelta(days=3)
    ours = queries.overdue_acknowledgments(conn, later, acknowledged_kinds())
    with_toy = queries.overdue_acknowledgments(conn, later, acknowledged_kinds(table(*DOCUMENTS.values(), TOY_ANSWER)))
    assert [r["file_name"] for r in with_toy if r["file_name"].endswith(".toy")]
    assert not [r for r in ours if r["file_name"].endswith(".toy")]
    assert replace(TOY_ANSWER, acknowledged=False).name not in acknowledged_kinds()


def test_without_its_rows_the_toy_set_is_refused_by_the_997(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "store")
    f = folders(tmp_path)
    _toy_file(f.inbox / "toy.edi")
    process(db, f)  # our own tables: no map for GS01 OR
    ack = next(f.outbox.glob("*.997")).read_text()
    assert "AK9*R*" in ack
    assert sqlite3.connect(db).execute("SELECT count(*) FROM outbox WHERE kind = 'toy'").fetchone()[0] == 0
