"""D14: an 824 flags the 810 it rejects, closes the flag when it accepts; money never changes by itself."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

REJECTS = frozenset({"TR", "TE", "IR"})  # OTI01: rejects the set, accepts it with an error, rejects an item
ACCEPTS = "TA"


@dataclass(frozen=True, slots=True)
class AdviceItem:
    """One OTI loop: the verdict (OTI01), the key of our set (OTI03), its ST01 (OTI10), the reasons given."""

    verdict: str
    key: str
    set_code: str
    reasons: tuple[tuple[str, str], ...] = ()


class ItemAction(StrEnum):
    """What one item does (docs/codes.md, D14)."""

    FLAG = "810 flagged"
    CLOSE = "flag closed"
    ALREADY = "already flagged the same way"  # D16: a repeated 824 changes nothing
    NOTHING_OPEN = "accepted, nothing flagged"
    UNKNOWN = "names no 810 of ours"  # reported
    NOT_THEIRS = "names an 810 that billed another RES"  # reported
    NOT_810 = "about a set other than an 810"  # recorded; only 810s are flagged


@dataclass(frozen=True, slots=True)
class InvoiceState:
    """What the flagging needs of one of our 810s: whom it billed and its open flag's verdict and code, if any."""

    supplier_duns: str
    flag: tuple[str, str] | None = None  # (OTI01, first reason code) of the open flag


def decide_item(item: AdviceItem, sender: str, invoices: Mapping[str, InvoiceState]) -> ItemAction:
    """D14/D16: what one OTI loop of an 824 from ``sender`` does to the 810 it names."""
    if item.set_code and item.set_code != "810":
        return ItemAction.NOT_810
    invoice = invoices.get(item.key)
    if invoice is None:
        return ItemAction.UNKNOWN
    if invoice.supplier_duns != sender:
        return ItemAction.NOT_THEIRS
    if item.verdict == ACCEPTS:
        return ItemAction.CLOSE if invoice.flag is not None else ItemAction.NOTHING_OPEN
    code = item.reasons[0][0] if item.reasons else ""
    return ItemAction.ALREADY if invoice.flag == (item.verdict, code) else ItemAction.FLAG
