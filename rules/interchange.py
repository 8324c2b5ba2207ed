"""The envelope-level business rules: who is answered, what was already processed, which requests are processed.

B7 (registered senders), D7 (duplicate interchanges), the request kinds by BGN01 and ASI, and ISA15 T.
"""

from __future__ import annotations

from enum import StrEnum

from rules.decisions import Decision, Reason

DUPLICATE_NOTE = "025"  # D7: the same sender ISA06 + ISA13 already processed gets TA1 R 025
NOT_ENROLLMENT = Reason("A13", "ONLY ENROLLMENTS, CHANGES, DROPS AND CANCELS ARE PROCESSED")
ENROLLMENT_ACTION = ("7", "021")  # ASI01 ASI02 of an enrollment request (guide section 4)
CHANGE_ACTION = ("7", "001")  # a RES changes an account it serves; REF*TD says what (guide section 10, D11)
DROP_ACTION = ("7", "024")  # a RES ends its service (guide section 10, D8)
USAGE_HISTORY = ("HU", "HI")  # LIN05: historical usage, historical interval usage (guide section 10)
CANCEL = "01"  # BGN01 of a cancel: BGN06 names the request it cancels (D10)
REQUEST = "13"  # BGN01 of a request; 11 is a response, which its 997 answers


class InterchangeOutcome(StrEnum):
    """The interchange row's outcome (docs/codes.md, Outcomes)."""

    PROCESSED = "processed"
    ACKNOWLEDGMENT_ONLY = "acknowledgment only"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    UNKNOWN_SENDER = "unknown sender"
    REQUEUED = "unknown sender, requeued"  # its file was put back by an operator: processed again, anew


# D7: only interchanges that were processed count; a TA1-rejected one may be resent under the same ISA13.
COUNTS_AS_PROCESSED = (InterchangeOutcome.PROCESSED, InterchangeOutcome.ACKNOWLEDGMENT_ONLY)


class SetKind(StrEnum):
    """What an inbound transaction set is, for the inbound table of edi/flows/inbound/table.py."""

    ENROLLMENT = "814 enrollment request"
    OTHER_REQUEST = "814 request other than an enrollment"
    RESPONSE = "814 response"
    ACKNOWLEDGMENT = "997 acknowledgment"
    HISTORICAL_USAGE = "814 historical usage request"
    DROP = "814 drop request"
    CANCEL = "814 cancel of a request"
    CHANGE = "814 change request"
    REMITTANCE = "820 remittance"
    ADVICE = "824 application advice"
    NOT_EXPECTED = "a set the utility sends, never receives"


def interchange_outcome(*, rejected: bool, ta1_note: str, acknowledgment_only: bool) -> InterchangeOutcome:
    """How an interchange is recorded once its envelope is known."""
    if rejected:
        return InterchangeOutcome.DUPLICATE if ta1_note == DUPLICATE_NOTE else InterchangeOutcome.REJECTED
    return InterchangeOutcome.ACKNOWLEDGMENT_ONLY if acknowledgment_only else InterchangeOutcome.PROCESSED


def is_test(usage: str) -> bool:
    """ISA15 T: decided and answered against the real state, then no account change survives (docs/analysts.md)."""
    return usage == "T"


def classify_814(bgn01: str, action: tuple[str, str], service: str = "CE") -> SetKind:
    """An 814 by BGN01 (request or response), LIN05 (a usage history request) and ASI01/ASI02 (which request)."""
    if bgn01 == CANCEL:
        return SetKind.CANCEL
    if bgn01 != REQUEST:
        return SetKind.RESPONSE
    if service in USAGE_HISTORY:
        return SetKind.HISTORICAL_USAGE
    if action == DROP_ACTION:
        return SetKind.DROP
    if action == CHANGE_ACTION:
        return SetKind.CHANGE
    return SetKind.ENROLLMENT if action == ENROLLMENT_ACTION else SetKind.OTHER_REQUEST


def not_processed_request() -> Decision:
    """A request kind this utility does not process yet is rejected A13, ASI02 echoed (docs/analysts.md)."""
    return Decision.reject((NOT_ENROLLMENT,))
