"""The terminal while ``process`` runs (O6): one progress bar, and log lines printed above it, never glued to it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO

import click

from edi.commands.common import EXIT_USAGE, fail

CLEAR_LINE = "\r\x1b[2K"  # back to the start of the line and erase it (every ANSI/VT100 terminal)


class Bar:
    """No bar: off a terminal, or with ``-q``."""

    def __call__(self, done: int, total: int, sets: int) -> None:
        """Nothing to show."""

    def close(self) -> None:
        """Nothing to end."""

    def clear(self) -> None:
        """Nothing drawn."""

    def redraw(self) -> None:
        """Nothing to draw."""


class TerminalBar(Bar):
    """One bar per pass by bytes, labelled with the transactions so far (time left from bytes).

    Reading runs ahead of committing: the bar reaches 100% before the last sets are counted, so it stays open
    (the label still moving on the same line) until a new pass begins or the run ends.
    """

    def __init__(self, screen: TextIO) -> None:
        self.screen = screen
        self.bar: Any = None
        self.total = 0
        self.at = 0

    def __call__(self, done: int, total: int, sets: int) -> None:
        if self.bar is None or total != self.total:
            self.close()
            self.bar = click.progressbar(length=max(total, 1), label="process", file=self.screen, show_eta=True,
                                         show_percent=True)  # fmt: skip
            self.total, self.at = total, 0
        self.bar.label = f"{sets:,} transactions"
        step = max(min(done, self.total) - self.at, 0)
        self.at += step
        if step:
            self.bar.update(step)
        else:
            self.redraw()  # only the label moved: redraw the same line

    def close(self) -> None:
        """End the bar's line (the summary then starts on a line of its own)."""
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None

    def clear(self) -> None:
        """Erase the bar's line so that a log line can take it."""
        if self.bar is not None:
            self.screen.write(CLEAR_LINE)

    def redraw(self) -> None:
        """Draw the bar again (after a log line)."""
        if self.bar is not None:
            self.bar._last_line = None  # click skips a line identical to the last one drawn; this one was erased
            self.bar.render_progress()


def progress_bar(quiet: bool, screen: TextIO | None = None) -> Bar:
    """The bar on a terminal (stderr), else none."""
    out = screen or sys.stderr
    return Bar() if quiet or not out.isatty() else TerminalBar(out)


class AboveTheBar:
    """The log stream on a terminal: each whole line is written over the erased bar, then the bar is redrawn."""

    def __init__(self, screen: TextIO, bar: Bar) -> None:
        self.screen, self.bar, self.pending = screen, bar, ""

    def write(self, text: str) -> int:
        """Hold text until a line is whole, then print it above the bar."""
        self.pending += text
        if "\n" in self.pending:
            lines, _, self.pending = self.pending.rpartition("\n")
            self.bar.clear()
            self.screen.write(lines + "\n")
            self.bar.redraw()
            self.screen.flush()
        return len(text)

    def flush(self) -> None:
        """Whole lines are flushed as they are written."""
        self.screen.flush()

    def isatty(self) -> bool:
        """It is the terminal (so the readable renderer is chosen)."""
        return True


def log_stream(log_file: Path | None, bar: Bar) -> Any:
    """Where the log goes: the file (appended, a line at a time), else stderr above the bar."""
    if log_file is None:
        return AboveTheBar(sys.stderr, bar) if isinstance(bar, TerminalBar) else None
    try:
        return open(log_file, "a", encoding="utf-8", buffering=1)
    except OSError as error:
        fail(f"cannot open the log file {log_file}: {error.strerror}", EXIT_USAGE)
