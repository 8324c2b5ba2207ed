"""Our inbound table: the 814, 997, 820 and 824 by ST01, each kind of 814 (by BGN01, ASI and LIN05) by its handler.

The engine reads nothing else to know a set: adding a transaction set is adding its rows here (edi/flows/inbound/
kinds.py says what a row holds). The kinds' names are rules/interchange.py's ``SetKind``, as the reports print them.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import MappingProxyType

from edi.flows.inbound import handlers
from edi.flows.inbound.kinds import KindRow, Parsed, SetRow, Tables
from edi.transactions.documents import DOCUMENTS, not_expected
from edi.transactions.tx814 import Request814, parse_request
from edi.transactions.tx820 import parse_remittance
from edi.transactions.tx824 import parse_advice
from edi.transactions.tx997 import parse_997
from edi.x12.segments import Segment
from rules.interchange import SetKind


def _814_kind(parsed: Parsed) -> str:
    """An 814 by BGN01 (request or response), LIN05 and ASI01/ASI02 (rules/interchange.py classifies)."""
    return parsed.kind if isinstance(parsed, Request814) else SetKind.OTHER_REQUEST


def _parse_997(segments: Sequence[Segment]) -> Parsed:
    return parse_997(segments)


def _parse_814(segments: Sequence[Segment]) -> Parsed:
    return parse_request(segments)


_RECEIVED = {
    "814": SetRow("814", _parse_814, _814_kind),
    "997": SetRow("997", _parse_997, lambda _parsed: SetKind.ACKNOWLEDGMENT, refusable=False),
    "820": SetRow("820", parse_remittance, lambda _parsed: SetKind.REMITTANCE),
    "824": SetRow("824", parse_advice, lambda _parsed: SetKind.ADVICE),
}
# A set of a kind we only send (the outbound table's 810 and 867) is read, acknowledged and recorded as not ours.
_SENT_ONLY = {kind.code: SetRow(kind.code, not_expected, lambda _parsed: SetKind.NOT_EXPECTED)
              for kind in DOCUMENTS.values() if kind.code and kind.code not in _RECEIVED}  # fmt: skip
SETS = MappingProxyType({**_RECEIVED, **_SENT_ONLY})

KINDS = MappingProxyType(
    {
        row.name: row
        for row in (
            KindRow(SetKind.ENROLLMENT, handlers.handle_enrollment, primes_account=True),
            KindRow(SetKind.DROP, handlers.handle_drop, primes_account=True),
            KindRow(SetKind.CANCEL, handlers.handle_cancel, primes_account=True),
            KindRow(SetKind.CHANGE, handlers.handle_change, primes_account=True),
            KindRow(SetKind.HISTORICAL_USAGE, handlers.handle_usage_history, primes_account=True),
            KindRow(SetKind.OTHER_REQUEST, handlers.handle_other_request),
            KindRow(SetKind.RESPONSE, handlers.handle_response),
            KindRow(SetKind.ACKNOWLEDGMENT, handlers.handle_acknowledgment),
            KindRow(SetKind.REMITTANCE, handlers.handle_remittance),
            KindRow(SetKind.ADVICE, handlers.handle_advice),
            KindRow(SetKind.NOT_EXPECTED, handlers.handle_not_expected),
        )
    }
)

TABLES = Tables(SETS, KINDS)
