"""The sbo-edi command line: each command a few lines that call into edi/ and rules/."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from edi.acks import AckSettings, CountingControlNumbers
from edi.runs import FileReport, safe_stem, validate_file

EXIT_CLEAN, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def _parse_now(value: str | None) -> datetime:
    """The injected clock: ``--now`` or, at this outer edge only, the system clock."""
    if value is None:
        return datetime.now().replace(second=0, microsecond=0)
    try:
        return datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"{value!r} is not an ISO date-time such as 2026-11-01T09:30") from error


@click.group()
@click.version_option(package_name="sbo-edi")
def main() -> None:
    """sbo-edi: Ameren Illinois SBO enrollments and invoices over X12 4010."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file on stdout.")
@click.option("--ack-dir", type=click.Path(file_okay=False, path_type=Path), help="Write the 997/TA1 we would send here.")
@click.option("--now", "now_text", metavar="ISO", help="Clock for acknowledgment dates (default: now).")
@click.option("--first-control-number", default=1, show_default=True, type=click.IntRange(1, 999_999_999),
              help="First ISA13/GS06 of the acknowledgments written.")
@click.option("--receiver-id", "receiver_ids", multiple=True, help="Our ISA08 ID(s); others get TA1 note 009.")
def validate(files: tuple[Path, ...], as_json: bool, ack_dir: Path | None, now_text: str | None,
             first_control_number: int, receiver_ids: tuple[str, ...]) -> None:
    """Validate X12 FILES against the Illinois guides; exit 0 when clean, 1 when problems were found."""
    settings = AckSettings(_parse_now(now_text), CountingControlNumbers(first_control_number, first_control_number))
    if ack_dir is not None:
        ack_dir.mkdir(parents=True, exist_ok=True)
    problems = False
    for path in files:
        report = validate_file(path, settings, receiver_ids=set(receiver_ids) or None)
        problems |= not report.clean
        if ack_dir is not None:
            _write_acks(report, ack_dir)
        click.echo(json.dumps(report.to_json()) if as_json else _describe(report))
    sys.exit(EXIT_PROBLEMS if problems else EXIT_CLEAN)


def _write_acks(report: FileReport, ack_dir: Path) -> None:
    """One file per acknowledgment interchange, named from our own pieces (README, Outputs)."""
    stem = safe_stem(report.path.name)
    for index, (kind, text) in enumerate(report.acks, start=1):
        (ack_dir / f"{stem}.{index}.{kind}").write_text(text, encoding="ascii")


def _describe(report: FileReport) -> str:
    """The terminal view of one file: a verdict line, then each problem with its position."""
    head = f"{report.path}: {report.summary()}"
    return "\n".join([head, *("  " + issue.describe() for issue in report.issues)])


if __name__ == "__main__":
    main()
