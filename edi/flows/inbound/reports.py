"""What one file produced, for the replay printout, the batch summary and partner mode (account numbers masked)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from edi.flows.delivery import Output
from edi.flows.inbound.kinds import Handled
from edi.naming import mask_account
from edi.store.ledger import OutcomeKey
from edi.x12.problems import KEPT_PER_FILE, Bounded, Issue
from rules.decisions import Change
from rules.outcomes import Outcome, OutcomeKind


@dataclass
class TransactionReport:
    """What happened to one transaction set."""

    interchange: str
    group: str
    st02: str
    request_id: str
    account: str  # masked
    outcome: Outcome
    changes: list[str] = field(default_factory=list)

    @property
    def reasons(self) -> list[str]:
        """``CODE TEXT`` per REF*7G reason."""
        return [f"{r.code} {r.text}" for r in self.outcome.reasons]

    def describe(self) -> str:
        """One line per transaction, then one per change."""
        why = f" {' '.join(self.reasons)}" if self.reasons else ""
        rules = f" [{' '.join(self.outcome.rules)}]" if self.outcome.rules else ""
        head = (
            f"ISA13 {self.interchange} GS06 {self.group} ST02 {self.st02} BGN02 {self.request_id or '-'}"
            f" account {self.account or '-'}: {self.outcome.label}{why}{rules}"
        )
        return "\n".join([head, *(f"    {c}" for c in self.changes)])

    def to_json(self) -> dict[str, Any]:
        """The machine view (the outcome as its stored label)."""
        return {
            "interchange": self.interchange,
            "group": self.group,
            "st02": self.st02,
            "request_id": self.request_id,
            "account": self.account,
            "outcome": self.outcome.label,
            "reasons": self.reasons,
            "rules": " ".join(self.outcome.rules),
            "changes": self.changes,
        }


@dataclass
class FileRun:
    """Everything one file produced."""

    path: Path
    issues: list[Issue] = field(default_factory=lambda: Bounded(KEPT_PER_FILE))
    transactions: list[TransactionReport] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    interchanges: int = 0
    resumed: int = 0  # interchanges an earlier, interrupted run of this file had already committed
    duplicates: int = 0
    unknown_senders: int = 0  # interchanges from a sender that is not a registered RES (B7): quarantined
    stopped: bool = False  # asked to stop between interchanges; the rest waits for the next run
    read_failure: str = ""  # the reader gave up on the file (not X12, segment too long): quarantine it
    outcomes: Counter[str] = field(default_factory=Counter)  # every transaction's outcome label, counted
    accepted: int = 0
    rejected_codes: Counter[str] = field(default_factory=Counter)  # REF*7G codes of the rejects
    other: Counter[str] = field(default_factory=Counter)  # outcomes neither accepted nor rejected, by label

    def count(self, outcome: Outcome) -> None:
        """Count one transaction's outcome."""
        self.outcomes[outcome.label] += 1
        if outcome.kind is OutcomeKind.ACCEPTED:
            self.accepted += 1
        elif outcome.kind is OutcomeKind.REJECTED:
            self.rejected_codes.update(set(outcome.codes))
        else:
            self.other[outcome.label] += 1

    def absorb(self, part: FileRun) -> None:
        """Add the outcomes and duplicates counted (and transactions reported) in ``part``, one interchange's."""
        self.outcomes.update(part.outcomes)
        self.duplicates += part.duplicates
        self.accepted += part.accepted
        self.rejected_codes.update(part.rejected_codes)
        self.other.update(part.other)
        self.transactions.extend(part.transactions)

    def to_json(self) -> dict[str, Any]:
        """The machine view of the run."""
        return {
            "file": str(self.path),
            "interchanges": self.interchanges,
            "transactions": [t.to_json() for t in self.transactions],
            "outputs": [o.file_name for o in self.outputs],
            "problems": [i.to_json() for i in self.issues],
        }

    def summary(self) -> str:
        """Counts for the closing line of a replay."""
        return json.dumps(dict(self.outcomes), sort_keys=True)


def describe_change(change: Change) -> str:
    """A change in words (no account numbers or names: changes hold neither)."""
    shown = ", ".join(f"{k}={v}" for k, v in asdict(change).items())
    return f"{type(change).__name__}({shown})" if shown else type(change).__name__


def transaction_report(isa13: str, key: OutcomeKey, handled: Handled) -> TransactionReport:
    """What a handler did with one set, as the replay printout and the logs show it (account numbers masked)."""
    subject = handled.subject
    report = TransactionReport(
        isa13,
        key.group_control,
        key.st02,
        subject.reference if subject else "",
        mask_account(subject.account) if subject and subject.account else "",
        handled.outcome,
    )
    report.changes = [describe_change(c) for c in handled.changes]
    report.changes += [f"new account {mask_account(n)}" for n in handled.new_accounts]
    return report
