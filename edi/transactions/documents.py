"""The outbound table: one row per kind of document we send (a new kind is a new row, not a new branch).

Every sender envelopes a document by its row (GS01, ST01), the outbox names it by its suffix, the overdue-997
watch asks which kinds a partner owes us a 997 for (B13), and the tests validate every golden output by it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from edi.transactions import tx810, tx814, tx814_response, tx867
from edi.x12 import acks
from edi.x12.segments import Segment
from edi.x12.writer import SetText


@dataclass(frozen=True, eq=False)  # a row is itself: compared and hashed by identity (a mailbag's key, per set)
class DocumentKind:
    """One kind of outbound document: its file name suffix, its envelope, whether a 997 comes back, its builder."""

    name: str  # the outbox's kind and the file name suffix (``<partner>.<ISA13>.<name>``)
    functional_id: str  # GS01 ("" for a TA1, which has no group)
    code: str  # ST01 ("" for a TA1)
    acknowledged: bool  # the partner owes us a 997 for it (B13)
    builder: Callable[..., object]  # what writes its sets (for the docs and the reader; senders call it themselves)
    map_file: str = ""  # the guide our validator and pyx12 check it against ("" for a TA1 or 997: read, not mapped)
    about: str = ""

    @property
    def suffix(self) -> str:
        """The file name suffix with its dot."""
        return f".{self.name}"


TA1 = DocumentKind("ta1", "", "", False, acks.AckCollector.finish, "", "interchange acknowledgment (guide section 3)")
ACK_997 = DocumentKind("997", "FA", "997", False, acks.AckCollector.finish, "",
                       "functional acknowledgment of every group received")  # fmt: skip
RESPONSE_814 = DocumentKind("814", "GE", "814", True, tx814_response.response_text, "814.4010.IL.xml",
                            "814 response to a RES's request (accept ASI*WQ, reject ASI*U)")  # fmt: skip
CHANGE_814 = DocumentKind("814-change", "GE", "814", True, tx814.change_body, "814.4010.IL.xml",
                          "D3: the 814 change that tells a RES its off-cycle account is now on SBO")  # fmt: skip
DROP_814 = DocumentKind("814-drop", "GE", "814", True, tx814.drop_notice_body, "814.4010.IL.xml",
                        "D9: the 814 drop notice to the RES losing an account")  # fmt: skip
INVOICE_810 = DocumentKind("810", "IN", "810", True, tx810.invoice_body, "810.4010.IL.xml",
                           "the SBO 810 of the utility's delivery charges (guide section 5)")  # fmt: skip
USAGE_HISTORY_867 = DocumentKind("867-hu", "PT", "867", True, tx867.history_body, "867.4010.IL.xml",
                                 "D12: the historical usage that answers an 814 LIN05 HU request")  # fmt: skip
USAGE_867 = DocumentKind("867", "PT", "867", True, tx867.monthly_body, "867.4010.IL.xml",
                         "D15: a service point's usage of the period, sent with the billing run")  # fmt: skip


def table(*kinds: DocumentKind) -> Mapping[str, DocumentKind]:
    """A read-only table of document kinds by name."""
    return MappingProxyType({kind.name: kind for kind in kinds})


DOCUMENTS: Mapping[str, DocumentKind] = table(
    TA1, ACK_997, RESPONSE_814, CHANGE_814, DROP_814, INVOICE_810, USAGE_HISTORY_867, USAGE_867
)


def acknowledged_kinds(documents: Mapping[str, DocumentKind] = DOCUMENTS) -> tuple[str, ...]:
    """B13: the kinds a partner owes us a 997 for."""
    return tuple(name for name, kind in documents.items() if kind.acknowledged)


@dataclass(frozen=True, slots=True)
class Owed:
    """A document a decision owes: its kind, its set's body already written, and whom to ("" is the sender)."""

    kind: DocumentKind
    body: SetText
    to: str = ""  # a RES's DUNS, or "" for the interchange's sender (its answer: parties swapped, ISA15 kept)


@dataclass(frozen=True)
class NotExpected:
    """An inbound set of a kind the utility only sends (an 810, an 867): only its ST01 matters."""

    code: str

    @property
    def subject(self) -> None:
        """It is about nobody we can name."""
        return None


def not_expected(segments: Sequence[Segment]) -> NotExpected:
    """The set's ST01."""
    return NotExpected(segments[0].get(1) if segments else "")
