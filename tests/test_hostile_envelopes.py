"""I6: every acknowledgment we write is valid X12 whatever the envelope it answers held (our reader and pyx12)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from edi.guides.mapdir import assemble_map_dir
from edi.guides.reference import pyx12_verdicts
from edi.guides.validator import Validator
from edi.x12.acks import AckSettings, CountingControlNumbers, acknowledge
from edi.x12.results import InterchangeResult
from edi.x12.writer import Party

OURS = Party("01", "111111111")
TERMINATORS = "~|\n^!"
HOSTILE = st.text(alphabet="AB19 *~>|^:!\\'-", min_size=1, max_size=15).filter(lambda s: s.strip())


def _input(sender: str, terminator: str, gs02: str, ack: str) -> bytes:
    isa = (f"ISA*00*          *00*          *01*{sender.ljust(15)[:15]}*01*111111111      *261102*0900*U*00401"
           f"*000000001*{ack}*P*>{terminator}")  # fmt: skip
    body = [f"GS*GE*{gs02}*111111111*20261102*0900*1*X*004010", "ST*814*0001", "BGN*13*X1*20261101", "SE*3*0001",
            "GE*1*1", "IEA*1*000000001"]  # fmt: skip
    return (isa + terminator.join(body) + terminator).encode("ascii")


def _acks(data: bytes) -> list[str]:
    settings_ = AckSettings(datetime(2026, 11, 2, 9, 30), CountingControlNumbers(), OURS)
    return [text for _ix, text in acknowledge(Validator().run(io.BytesIO(data)), settings_) if text is not None]


def _reads_clean(text: str) -> None:
    interchanges = [e for e in Validator().run(io.BytesIO(text.encode("ascii"))) if isinstance(e, InterchangeResult)]
    assert len(interchanges) == 1
    assert not interchanges[0].issues, [i.describe() for i in interchanges[0].issues]


def test_a_sender_id_holding_our_terminator_gets_no_broken_ta1() -> None:
    acks = _acks(_input("AB~CD", "|", "AB~CD", "1"))
    for text in acks:
        _reads_clean(text)
        assert "AB~CD" not in text


@settings(max_examples=150, deadline=None)
@given(HOSTILE, st.sampled_from(TERMINATORS), HOSTILE, st.sampled_from("01"))
def test_acks_for_hostile_envelopes_read_back_clean(sender: str, terminator: str, gs02: str, ack: str) -> None:
    if terminator in sender + gs02 or "*" in sender or ">" in sender:
        return  # the input itself would not be this envelope
    for text in _acks(_input(sender, terminator, gs02, ack)):
        _reads_clean(text)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(HOSTILE, st.sampled_from(TERMINATORS), HOSTILE)
def test_pyx12_reads_the_acks_for_hostile_envelopes(tmp_path: Path, sender: str, terminator: str, gs02: str) -> None:
    if terminator in sender + gs02 or "*" in sender or ">" in sender:
        return
    map_dir = assemble_map_dir()
    for n, text in enumerate(_acks(_input(sender, terminator, gs02, "1"))):
        path = tmp_path / f"ack{n}.x12"
        path.write_text(text, encoding="ascii")
        verdict = pyx12_verdicts(path, map_dir)
        assert not verdict.failure, verdict.failure


def test_an_answer_never_echoes_a_group_code_holding_our_separators(tmp_path: Path) -> None:
    from scripts.make_example_data import interchange, request
    from tests.store_helpers import fresh_store, replay

    text = interchange(901, [request("0001", "RQ-ECHO-1", "1000000001")])
    text = text.replace("GS*GE*222222222*", "GS*GE*PP~1*").replace("~\n", "|\n").replace(">|", ">|", 1)
    path = tmp_path / "echo.edi"
    path.write_text(text, encoding="ascii")
    conn = fresh_store(tmp_path)
    run = replay(conn, path)
    answers = [o.content for o in run.outputs if o.kind == "814"]
    assert answers, [o.kind for o in run.outputs]
    for answer in answers:
        _reads_clean(answer)
        assert "PP~1" not in answer
