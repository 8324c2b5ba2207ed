"""Validate one file end to end: every problem, the acknowledgments, the counts, never an exception for bad input."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from edi.guides.validator import FileProblem, Validator
from edi.naming import safe_stem
from edi.x12.acks import AckCollector, AckSettings
from edi.x12.problems import KEPT_PER_FILE, MAX_ENVELOPE_ANSWERS, Bounded, Issue, Where, omitted_line, too_many_rejected
from edi.x12.results import InterchangeResult, SetResult


@dataclass
class FileReport:
    """What validation found in one file."""

    path: Path
    issues: list[Issue] = field(default_factory=lambda: Bounded(KEPT_PER_FILE))
    acks: list[tuple[str, str]] = field(default_factory=list)
    interchanges: int = 0
    sets: int = 0
    accepted_sets: int = 0
    rejected_interchanges: int = 0

    @property
    def clean(self) -> bool:
        """No problem of any kind."""
        return not self.issues

    def summary(self) -> str:
        """One line: verdict and counts."""
        verdict = "ok" if self.clean else f"{cast(Bounded[Issue], self.issues).total} problem(s)"
        return (
            f"{verdict}; {self.interchanges} interchange(s), {self.sets} transaction set(s), "
            f"{self.accepted_sets} accepted, {self.rejected_interchanges} interchange(s) rejected, "
            f"{len(self.acks)} acknowledgment(s)"
        )

    def describe(self) -> str:
        """The terminal view: a verdict line, then each problem with its position."""
        problems = [*("  " + issue.describe() for issue in self.issues), *("  " + o for o in omitted_line(self.issues))]
        return "\n".join([f"{self.path}: {self.summary()}", *problems])

    def write_acks(self, ack_dir: Path) -> None:
        """One file per acknowledgment interchange, named from our own pieces (F1)."""
        ack_dir.mkdir(parents=True, exist_ok=True)
        stem = safe_stem(self.path.name)
        for index, (kind, text) in enumerate(self.acks, start=1):
            (ack_dir / f"{stem}.{index}.{kind}").write_text(text, encoding="ascii")

    def to_json(self) -> dict[str, Any]:
        """The machine view for ``--json``."""
        return {
            "file": str(self.path),
            "clean": self.clean,
            "interchanges": self.interchanges,
            "transaction_sets": self.sets,
            "accepted_sets": self.accepted_sets,
            "rejected_interchanges": self.rejected_interchanges,
            "acknowledgments": [kind for kind, _ in self.acks],
            "problems": [issue.to_json() for issue in self.issues],
            "problems_omitted": cast(Bounded[Issue], self.issues).omitted,
        }


def _record_interchange(report: FileReport, ix: InterchangeResult, text: str | None) -> None:
    report.interchanges += 1
    report.issues.extend(ix.issues)
    if ix.rejected:
        report.rejected_interchanges += 1
    else:
        report.accepted_sets += sum(g.accepted_sets for g in ix.groups)
    if text is not None:
        has_997 = not ix.rejected and any(g.functional_id != "FA" for g in ix.groups)
        report.acks.append(("997" if has_997 else "ta1", text))


def validate_file(path: Path, settings: AckSettings, *, receiver_ids: Collection[str] | None = None) -> FileReport:
    """Validate ``path`` and build the acknowledgments we would send."""
    report = FileReport(path)
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as error:
        reason = error.strerror or type(error).__name__
        report.issues.append(Issue("FILE:UNREADABLE", f"cannot open the file: {reason}", Where(str(path))))
        return report
    collector = AckCollector(settings)
    with stream:
        try:
            for event in Validator(file_name=str(path), receiver_ids=receiver_ids).run(stream):
                if isinstance(event, SetResult):
                    report.sets += 1
                    report.issues.extend(event.issues)
                    collector.add_set(event)
                elif isinstance(event, InterchangeResult):
                    if event.rejected and report.rejected_interchanges == MAX_ENVELOPE_ANSWERS:
                        report.issues.append(too_many_rejected(str(path)))
                        break  # I3: what process would quarantine unread is not read here either
                    _record_interchange(report, event, collector.finish(event))
                elif isinstance(event, FileProblem):
                    report.issues.append(event.issue)
        except OSError as error:
            reason = error.strerror or type(error).__name__
            report.issues.append(Issue("FILE:UNREADABLE", f"reading failed: {reason}", Where(str(path))))
    return report
