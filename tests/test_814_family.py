"""Issue 14: the 814 family as Illinois partners send it (each test failed on the code before)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import main
from edi.flows.inbound import FileProcessor, RunSettings
from edi.guides.validator import Validator
from edi.store.connection import open_store
from edi.x12.results import SetResult
from rules.enrollment import addressed_elsewhere
from rules.model import EnrollmentRequest
from scripts.make_example_data import interchange, request
from tests.batch_helpers import prepared_store
from tests.goldens import EXAMPLE, FIXTURES
from tests.store_helpers import AS_OF, NOW

PARTNER_FILES = ["814_response_n106", "814_request_cpwg_fields", "814_request_historical_usage"]


@pytest.mark.parametrize("name", PARTNER_FILES)
def test_what_partners_send_passes_the_997(name: str) -> None:
    data = (FIXTURES / "good" / f"{name}.edi").read_bytes()
    sets = [e for e in Validator().run(io.BytesIO(data)) if isinstance(e, SetResult)]
    assert sets and all(s.accepted for s in sets), [s.issues for s in sets]


def test_a_request_naming_another_utility_is_rejected_naming_it(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    texas = [s.replace("N1*8S*AMEREN ILLINOIS*1*111111111~", "N1*8S*SHARYLAND*1*1052623364500~")
             for s in request("0001", "TX1", "1000000001")]  # fmt: skip
    source = tmp_path / "texas.edi"
    source.write_text(interchange(811, [texas]))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["replay", str(source), "--db", str(db), "--now", "2026-11-02T09:30",
                                       "--out", str(out)], env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    (response,) = out.glob("*.814")
    text = response.read_text()
    assert "ASI*U*021~" in text and "REF*7G*A13*ADDRESSED TO SHARYLAND (1052623364500), NOT THIS UTILITY~" in text
    assert "ASI*WQ" not in text


def test_the_addressing_check_accepts_our_duns_and_names_any_other() -> None:
    ours = EnrollmentRequest("222222222", "R1", "1000000001", "ESP", "DUAL", utility_duns="111111111")
    assert addressed_elsewhere(ours, "111111111") is None
    other = EnrollmentRequest("222222222", "R1", "1000000001", "ESP", "DUAL", utility_duns="999999999",
                              utility_name="SOME  OTHER   CO")  # fmt: skip
    reason = addressed_elsewhere(other, "111111111")
    assert reason is not None and reason.code == "A13" and "SOME OTHER CO (999999999)" in reason.text
    assert len(reason.text) <= 80


def _replay_hu(tmp_path: Path, account: str) -> tuple[str, dict[str, str]]:
    db = prepared_store(tmp_path / account)
    out = tmp_path / f"out{account}"
    source = FIXTURES / "good" / "814_request_historical_usage.edi"
    data = source.read_text().replace("0123456789", account)  # an account the example store holds
    (tmp_path / "hu.edi").write_text(data)
    result = CliRunner().invoke(main, ["replay", str(tmp_path / "hu.edi"), "--db", str(db), "--now",
                                       "2026-11-02T09:30", "--out", str(out)], env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "997 rejected" not in result.output
    return result.output, {p.suffix: p.read_text() for p in out.iterdir()}


def test_a_historical_usage_request_is_answered_by_an_867_or_a_status(tmp_path: Path) -> None:
    output, files = _replay_hu(tmp_path, "1000000001")  # D12: the customer has not released usage
    assert "HUR" in output and ".867-hu" not in files
    assert "LIN*1*SH*EL*SH*HU~" in files[".814"] and "ASI*U*021~" in files[".814"] and "REF*1P*HUR*" in files[".814"]
    output, files = _replay_hu(tmp_path, "1000000016")  # released, with a year of bills
    assert "ASI*WQ*021~" in files[".814"]
    history = files[".867-hu"]
    assert "BPT*52*" in history and history.count("PTD*BQ~") == 12 and "GS*PT*" in history


def _replay(tmp_path: Path, db: Path, text: str, name: str) -> tuple[str, Path]:
    source = tmp_path / f"{name}.edi"
    source.write_text(text)
    out = tmp_path / f"out-{name}"
    result = CliRunner().invoke(main, ["replay", str(source), "--db", str(db), "--now", "2026-11-02T09:30",
                                       "--out", str(out)], env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output, out


SWITCHING = "1000000014"  # served by Lakeside on DUAL (example data)
SERVED = "1000000013"  # served by Prairie on SBO (example data)


def test_a_switch_sends_the_old_supplier_one_valid_drop_notice(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    _, out = _replay(tmp_path, db, interchange(821, [request("0001", "SW1", SWITCHING)]), "switch")
    (notice,) = out.glob("4444444440001.*.814-drop")  # to Lakeside, not to the sender
    text = notice.read_text()
    assert "ASI*7*024~" in text and f"REF*12*{SWITCHING}~" in text and "REF*11*LK-000914~" in text
    assert "DTM*007*20261110~" in text  # the new supplier's effective date (the next read)
    sets = [e for e in Validator().run(io.BytesIO(notice.read_bytes())) if isinstance(e, SetResult)]
    assert sets and all(s.accepted for s in sets)  # G3: what we send passes our own 997
    _, again = _replay(tmp_path, db, interchange(822, [request("0001", "SW2", SWITCHING)]), "again")
    assert not list(again.glob("*.814-drop"))  # Prairie is now the supplier: no RES loses it a second time


def test_a_test_interchange_switches_nobody(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    _, out = _replay(tmp_path, db, interchange(823, [request("0001", "SW3", SWITCHING)], usage="T"), "test")
    assert list(out.glob("*.814")) and not list(out.glob("*.814-drop"))


def test_a_drop_ends_supply_and_a_second_drop_or_a_stranger_is_refused(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    drop: dict[str, Any] = {"blt": None, "pc": None, "asi": "ASI*7*024"}
    _, out = _replay(tmp_path, db, interchange(824, [request("0001", "DR1", SERVED, **drop)]), "drop")
    (response,) = out.glob("*.814")
    assert "ASI*WQ*024~" in response.read_text() and "DTM*007*20261110~" in response.read_text()
    _, out = _replay(tmp_path, db, interchange(825, [request("0001", "DR2", SERVED, **drop)]), "twice")
    assert "REF*7G*A13*A DROP IS ALREADY PENDING~" in next(out.glob("*.814")).read_text()
    _, out = _replay(tmp_path, db, interchange(826, [request("0001", "DR3", "1000000001", **drop)]), "stranger")
    assert "REF*7G*A13*NOT SERVED BY THIS SUPPLIER~" in next(out.glob("*.814")).read_text()


ACTORS = {"P": ("PRAIRIE POWER LLC", "222222222"), "L": ("LAKESIDE ENERGY INC", "4444444440001")}
MOVES = st.lists(st.tuples(st.sampled_from(["P", "L"]), st.sampled_from(["enroll", "drop"]),
                           st.sampled_from([SERVED, SWITCHING, "1000000001"])), min_size=1, max_size=8)  # fmt: skip


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(MOVES)
def test_every_request_one_answer_one_supplier_a_day_one_notice_a_switch(
    tmp_path_factory: pytest.TempPathFactory, moves: list[tuple[str, str, str]]
) -> None:
    root = tmp_path_factory.mktemp("moves")
    conn = open_store(prepared_store(root / "s"))
    sets = []
    for n, (who, what, account) in enumerate(moves, start=1):
        kw: dict[str, Any] = {"supplier": ACTORS[who], "blt": "DUAL", "pc": "DUAL"}
        if what == "drop":
            kw.update(blt=None, pc=None, asi="ASI*7*024")
        sets.append(request(f"{n:04d}", f"MV{n}", account, **kw))
    (root / "moves.edi").write_text(interchange(830, sets))
    run = FileProcessor(conn, RunSettings(NOW, AS_OF)).run(root / "moves.edi")
    responses = "".join(o.content for o in run.outputs if o.kind == "814")
    assert responses.count("ST*814*") == len(moves)  # every request, exactly one answer
    rows = conn.execute("SELECT sp_id, effective, supplier_duns FROM supply").fetchall()
    per_day: dict[tuple[str, str], set[str]] = {}
    for sp, effective, duns in rows:
        per_day.setdefault((sp, effective), set()).update([duns] if duns else [])
    assert all(len(suppliers) <= 1 for suppliers in per_day.values())  # never two RES on one day
    switches = conn.execute("SELECT count(*) FROM outcomes WHERE rules LIKE '%D9%'").fetchone()[0]
    notices = "".join(o.content for o in run.outputs if o.kind == "814-drop")
    assert notices.count("ST*814*") == switches  # one drop notice per switch, no more


def test_an_account_that_finals_owes_its_supplier_one_drop_notice(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    args = ["accounts", "final", SWITCHING, "--date", "2026-11-20", "--db", str(db), "--now", "2026-11-03T08:00"]
    done = CliRunner().invoke(main, args, env={"SBO_EDI_CONFIG": ""})
    assert done.exit_code == 0 and "4444444440001." in done.output and SWITCHING not in done.output, done.output
    conn = open_store(db)
    (content,) = [r[0] for r in conn.execute("SELECT content FROM outbox WHERE kind = '814-drop'")]
    assert "ASI*7*024~" in content and "DTM*007*20261120~" in content and "REF*11*LK-000914~" in content
    assert conn.execute("SELECT status FROM accounts WHERE number = ?", (SWITCHING,)).fetchone()[0] == "final"
    again = CliRunner().invoke(main, args, env={"SBO_EDI_CONFIG": ""})
    assert again.exit_code == 2 and "not active" in again.output  # one notice, never a second
    assert conn.execute("SELECT count(*) FROM outbox WHERE kind = '814-drop'").fetchone()[0] == 1


def _cancel(st02: str, bgn02: str, original: str, account: str, **kw: Any) -> list[str]:
    """A cancel (BGN01 01, BGN06 the request withdrawn) built from an enrollment request's segments."""
    return [s.replace(f"BGN*13*{bgn02}*20261102~", f"BGN*01*{bgn02}*20261102***{original}~")
            for s in request(st02, bgn02, account, **kw)]  # fmt: skip


def test_a_cancel_withdraws_only_this_suppliers_pending_request_once(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    dual = {"blt": "DUAL", "pc": "DUAL"}
    sets = [
        request("0001", "CN1", "1000000001", **dual),  # a plain pending enrollment
        request("0002", "CN2", "1000000002"),  # SBO with a budget plan: R1/R2 already changed the account
        _cancel("0003", "CX1", "CN1", "1000000001", **dual),  # honoured
        _cancel("0004", "CX2", "CN1", "1000000001", **dual),  # a second time
        _cancel("0005", "CX3", "CN2", "1000000002"),  # after side effects
        _cancel("0006", "CX4", "NEVER", "1000000001", **dual),  # names nothing
    ]
    output, out = _replay(tmp_path, db, interchange(831, sets), "cancels")
    text = next(out.glob("*.814")).read_text()
    answers = text.split("ST*814*")[1:]
    assert "ASI*WQ*021~" in answers[2] and "REF*7G" not in answers[2]
    assert "REF*7G*A13*THE REQUEST WAS ALREADY CANCELLED~" in answers[3]
    assert "REF*7G*A13*CANCEL NOT POSSIBLE: THE ACCOUNT WAS ALREADY CHANGED~" in answers[4]
    assert "REF*7G*A13*NO ACCEPTED REQUEST OF THIS SUPPLIER TO CANCEL~" in answers[5]
    conn = open_store(db)
    rows = conn.execute("SELECT count(*) FROM supply s JOIN service_points p ON p.id = s.sp_id"
                        " WHERE p.account_number = '1000000001' AND s.kind = 'enrollment'").fetchone()[0]  # fmt: skip
    assert rows == 0  # the withdrawn enrollment's supply rows are gone; the account stays as it was


def _change(st02: str, bgn02: str, account: str, items: list[str], **kw: Any) -> list[str]:
    """An 814 change request (ASI*7*001) with its REF*TD items, from an enrollment request's segments."""
    segments = request(st02, bgn02, account, asi="ASI*7*001", **kw)
    segments[-1:-1] = [f"REF*TD*{item}~" for item in items]
    segments[-1] = f"SE*{len(segments)}*{st02}~"
    return segments


def test_a_change_to_sbo_is_an_sbo_request_and_other_items_apply(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    dual = {"blt": "DUAL", "pc": "DUAL"}
    sets = [
        request("0001", "CH1", "1000000002", **dual),  # budget plan with a balance due, DUAL: no R1/R2 yet
        _change("0002", "CH2", "1000000002", ["REFBLT", "REFPC"]),  # D11: to SBO: R1 and R2 apply now
        request("0003", "CH3", "1000000004", **dual),  # in arrears: DUAL is fine (R3 only stops SBO)
        _change("0004", "CH4", "1000000004", ["REFBLT"]),  # D11: to SBO in arrears: rejected as an enrollment is
        _change("0005", "CH5", SERVED, ["REF11"], res_account="PP-NEW-7", blt=None, pc=None),
        _change("0006", "CH6", "1000000001", ["REF11"], res_account="PP-X", blt=None, pc=None),  # not served
    ]
    _, out = _replay(tmp_path, db, interchange(841, sets), "changes")
    answers = next(out.glob("*.814")).read_text().split("ST*814*")[1:]
    assert "ASI*WQ*001~" in answers[1] and "REF*BLT*ESP~" in answers[1] and "REF*PC*DUAL~" in answers[1]
    assert "ASI*U*001~" in answers[3] and "REF*7G*A13*ACCOUNT IN ARREARS - SBO NOT PERMITTED~" in answers[3]
    assert "ASI*WQ*001~" in answers[4] and "REF*11*PP-NEW-7~" in answers[4] and "REF*TD*REF11~" in answers[4]
    assert "REF*7G*A13*NOT SERVED BY THIS SUPPLIER~" in answers[5]
    conn = open_store(db)
    rules = conn.execute("SELECT rules FROM outcomes WHERE request_id = 'CH2'").fetchone()[0]
    assert "R1+R2" in rules and "D11" in rules  # the budget plan ended with its balance due direct-billed
    charge = conn.execute("SELECT count(*) FROM direct_bill_charges WHERE account_number = '1000000002'").fetchone()
    assert charge[0] == 1
    accounts_of = {r[0] for r in conn.execute("SELECT supplier_account FROM supply WHERE sp_id = 'E000013'")}
    assert "PP-NEW-7" in accounts_of and "PP-000900" not in accounts_of


def test_a_refresh_that_finals_an_account_tells_its_supplier(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    lines = [json.loads(line) for line in (EXAMPLE / "accounts.jsonl").read_text().splitlines()]
    for line in lines:
        if line["number"] == SWITCHING:
            line["status"] = "final"
    (tmp_path / "new.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    done = CliRunner().invoke(main, ["accounts", "refresh", str(tmp_path / "new.jsonl"), "--db", str(db)],
                              env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert done.exit_code == 0 and "status 1" in done.output, done.output
    conn = open_store(db)
    (content,) = [r[0] for r in conn.execute("SELECT content FROM outbox WHERE kind = '814-drop'")]
    assert "ASI*7*024~" in content and f"REF*12*{SWITCHING}~" in content and "REF*11*LK-000914~" in content


def test_an_accept_echoes_the_cpwg_fields_and_stays_valid(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    data = (FIXTURES / "good" / "814_request_cpwg_fields.edi").read_text().replace("0123456789", "1000000001")
    _, out = _replay(tmp_path, db, data, "cpwg")
    response = next(out.glob("*.814"))
    text = response.read_text()
    assert "ASI*WQ*021~" in text and "REF*PRT*RESIDENTIAL~" in text and "REF*17*Y~" in text and "REF*DR*N~" in text
    sets = [e for e in Validator().run(io.BytesIO(response.read_bytes())) if isinstance(e, SetResult)]
    assert sets and all(s.accepted for s in sets)


def test_an_account_with_two_electric_points_gets_a_lin_loop_and_a_date_for_each(tmp_path: Path) -> None:
    db = prepared_store(tmp_path / "s")
    line = next(json.loads(x) for x in (EXAMPLE / "accounts.jsonl").read_text().splitlines())
    line["number"], line["customer"]["name"] = "1000000099", "TWO POINTS"
    first = line["service_points"][0]
    second = {**first, "id": "E000099B", "rate_class": "DS2", "meter": "M99B"}
    line["service_points"] = [{**first, "id": "E000099A"}, second]
    line.pop("bills", None), line.pop("payments", None)
    (tmp_path / "two.jsonl").write_text(json.dumps(line) + "\n")
    imported = CliRunner().invoke(main, ["accounts", "import", str(tmp_path / "two.jsonl"), "--db", str(db)],
                                  env={"SBO_EDI_CONFIG": ""})  # fmt: skip
    assert imported.exit_code == 0, imported.output
    _, out = _replay(tmp_path, db, interchange(851, [request("0001", "TP1", "1000000099")]), "two")
    response = next(out.glob("*.814"))
    text = response.read_text()
    assert text.count("LIN*") == 2 and text.count("DTM*007*") == 2 and text.count("ASI*WQ*021~") == 2
    assert "REF*NH*DS1~" in text and "REF*NH*DS2~" in text and "LIN*1.2*SH*EL*SH*CE~" in text
    sets = [e for e in Validator().run(io.BytesIO(response.read_bytes())) if isinstance(e, SetResult)]
    assert sets and all(s.accepted for s in sets)
