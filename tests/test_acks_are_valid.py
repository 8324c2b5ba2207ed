"""Every 997/TA1 we write reads back as a well-formed interchange with correct counts (G3)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from edi.guides.validator import Validator
from edi.x12.results import InterchangeResult
from tests.goldens import FIXTURES


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*/*.ack")), ids=lambda p: p.stem)
def test_golden_ack_is_itself_clean_x12(path: Path) -> None:
    data = path.read_bytes()
    events = list(Validator().run(io.BytesIO(data)))
    interchanges = [e for e in events if isinstance(e, InterchangeResult)]
    assert interchanges
    for ix in interchanges:
        assert not ix.issues, [i.describe() for i in ix.issues]
        assert ix.acknowledgment_only  # and so it is never acknowledged back
        assert all(g.functional_id == "FA" and not g.group_codes for g in ix.groups)
    assert b"*004010~" in data or b"GS*" not in data  # never pyx12's 00401 in GS08
