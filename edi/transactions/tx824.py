"""The 824 application advice a RES sends us (guide section 11): it accepts or rejects one of our sets (D14)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from edi.x12.segments import Segment
from rules.advice import AdviceItem
from rules.model import Subject


@dataclass(frozen=True)
class Advice:
    """BGN02, the RES (N1*SJ), the account (REF*12) and one item per OTI loop with its reasons (TED, REF*7G)."""

    reference: str
    supplier_duns: str
    account: str
    items: tuple[AdviceItem, ...]

    @property
    def subject(self) -> Subject:
        """The RES, its BGN02 and the account, as the outcome row records them."""
        return Subject(self.supplier_duns, self.reference, self.account)


def parse_advice(segments: Sequence[Segment]) -> Advice:
    """The 824 as the flagging needs it (our map validated it first)."""
    reference = supplier = account = ""
    items: list[AdviceItem] = []
    oti: Segment | None = None
    reasons: list[tuple[str, str]] = []
    for segment in segments:
        tag, first = segment.tag, segment.get(1)
        if tag == "BGN":
            reference = segment.get(2)
        elif tag == "N1" and first == "SJ":
            supplier = segment.get(4)
        elif tag == "REF" and first == "12" and oti is None:
            account = segment.get(2)
        elif tag == "OTI":
            if oti is not None:
                items.append(_item(oti, reasons))
            oti, reasons = segment, []
        elif tag == "TED" and oti is not None:
            reasons.append((first, segment.get(2)))
        elif tag == "REF" and first == "7G" and oti is not None:
            reasons.append((segment.get(2), segment.get(3)))
    if oti is not None:
        items.append(_item(oti, reasons))
    return Advice(reference, supplier, account, tuple(items))


def _item(oti: Segment, reasons: list[tuple[str, str]]) -> AdviceItem:
    return AdviceItem(oti.get(1), oti.get(3), oti.get(10), tuple(reasons))
