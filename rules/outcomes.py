"""What happened to one inbound transaction set, as one value: what is stored is what is reported and documented.

The kinds and their labels are listed in docs/codes.md (section Outcomes); every transaction set gets exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from rules.decisions import Decision, Reason


class OutcomeKind(StrEnum):
    """The outcome kinds (docs/codes.md, Outcomes)."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    ACK_REJECTED = "997 rejected"
    TA1_REJECTED = "TA1 rejected"
    NOT_ANSWERED = "not answered"
    ACK_RECEIVED = "997 received"
    NOT_PROCESSED = "not processed"


UNREGISTERED_SENDER = "the sender is not a registered RES"  # B7


@dataclass(frozen=True)
class Outcome:
    """One transaction set's outcome: its kind, REF*7G reasons and rules, whether it was a test (ISA15 T), a note."""

    kind: OutcomeKind
    reasons: tuple[Reason, ...] = ()
    rules: tuple[str, ...] = ()
    test: bool = False
    note: str = ""  # the TA1 note, what a received 997 acknowledged, or why a set was not processed

    @property
    def label(self) -> str:
        """The one text stored in the outcome row, printed and counted (docs/codes.md, Outcomes)."""
        if self.kind is OutcomeKind.TA1_REJECTED:
            text = f"TA1 rejected ({self.note})"
        elif self.kind in (OutcomeKind.ACK_RECEIVED, OutcomeKind.NOT_PROCESSED):
            text = f"{self.kind.value}: {self.note}"
        else:
            text = self.kind.value
        return f"test: {text}" if self.test else text

    @property
    def codes(self) -> tuple[str, ...]:
        """The REF*7G codes of the reasons."""
        return tuple(r.code for r in self.reasons)

    @property
    def refused(self) -> bool:
        """Refused before any business decision: the 997 or the TA1 rejected the set."""
        return self.kind in (OutcomeKind.ACK_REJECTED, OutcomeKind.TA1_REJECTED)

    def as_test(self) -> Outcome:
        """The same outcome of an ISA15 T interchange (decided and answered, then rolled back)."""
        return replace(self, test=True)


def decided(decision: Decision) -> Outcome:
    """The outcome of a business decision."""
    kind = OutcomeKind.ACCEPTED if decision.accepted else OutcomeKind.REJECTED
    return Outcome(kind, decision.reasons, decision.rules)
