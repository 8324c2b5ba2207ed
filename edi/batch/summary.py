"""What a batch run did: the closing lines for people and the ``runs.summary`` JSON."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from edi.flows.inbound import FileRun

_COUNTS = (
    "files",
    "archived",
    "quarantined",
    "resumed_files",
    "failed",
    "interchanges",
    "duplicates",
    "transactions",
    "accepted",
)


@dataclass
class Summary:
    """Counts of one pass, or of a watch loop's passes added up."""

    files: int = 0
    archived: int = 0
    quarantined: int = 0
    resumed_files: int = 0
    failed: int = 0  # files that raised this run (attempt counted; retried, quarantined after the limit)
    settling: int = 0
    interchanges: int = 0
    duplicates: int = 0
    transactions: int = 0
    accepted: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    other: Counter[str] = field(default_factory=Counter)
    sent: Counter[str] = field(default_factory=Counter)

    def add(self, run: FileRun) -> None:
        """Count one file's transactions and outputs."""
        self.interchanges += run.interchanges
        self.duplicates += run.duplicates
        self.transactions += run.outcomes.total()
        self.accepted += run.accepted
        self.rejected.update(run.rejected_codes)
        self.other.update(run.other)

    def merge(self, other: Summary) -> None:
        """Add one pass's counts to a watch loop's total (settling is the latest pass's)."""
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.settling = other.settling
        self.rejected.update(other.rejected)
        self.other.update(other.other)
        self.sent.update(other.sent)

    def to_json(self) -> dict[str, Any]:
        """For the runs table and ``--json``."""
        return {
            "files": self.files,
            "archived": self.archived,
            "quarantined": self.quarantined,
            "resumed_files": self.resumed_files,
            "failed": self.failed,
            "settling": self.settling,
            "interchanges": self.interchanges,
            "duplicate_interchanges": self.duplicates,
            "transactions": self.transactions,
            "accepted": self.accepted,
            "rejected_by_code": dict(sorted(self.rejected.items())),
            "other_outcomes": dict(sorted(self.other.items())),
            "documents_sent": dict(sorted(self.sent.items())),
        }

    def lines(self) -> list[str]:
        """The closing summary."""
        rejected = ", ".join(f"{code} {n}" for code, n in sorted(self.rejected.items())) or "none"
        other = ", ".join(f"{k} {n}" for k, n in sorted(self.other.items())) or "none"
        sent = ", ".join(f"{k} {n}" for k, n in sorted(self.sent.items())) or "none"
        return [
            f"files: {self.files} ({self.archived} archived, {self.quarantined} quarantined, "
            f"{self.failed} failed and left for the next run, {self.settling} still settling)",
            f"interchanges: {self.interchanges} ({self.duplicates} duplicate)",
            f"transactions: {self.transactions}; accepted {self.accepted}; rejected by reason: {rejected}",
            f"other outcomes: {other}",
            f"documents sent: {sent}",
        ]
