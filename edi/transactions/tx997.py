"""An inbound 997 as a value: which of our groups it acknowledges and how (AK1, AK9)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edi.x12.segments import Segment


@dataclass(frozen=True, slots=True)
class AckReceived:
    """AK101 (the functional ID of our group), AK102 (its GS06, leading zeros dropped) and AK901 (the verdict)."""

    functional_id: str
    group_control: str
    status: str

    @property
    def subject(self) -> None:
        """An acknowledgment is about none of our accounts: its outcome row names no partner or account."""
        return None


def parse_997(segments: Sequence[Segment]) -> AckReceived:
    """AK101/AK102 and AK901 of a 997 set."""
    ak1 = next((s for s in segments if s.tag == "AK1"), Segment(["AK1"]))
    ak9 = next((s for s in segments if s.tag == "AK9"), Segment(["AK9"]))
    return AckReceived(ak1.get(1), ak1.get(2).lstrip("0") or "0", ak9.get(1))
