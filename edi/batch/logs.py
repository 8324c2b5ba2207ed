"""Structured logs (structlog): JSON lines off a terminal, readable on one; customer data never in clear text.

Only allow-listed keys pass; account numbers are masked to the last 4 digits; free text has long digit runs
masked; tracebacks carry no frame locals (F5). Other edi/ modules emit events through a plain
callable (``EventSink``); this module is the one place that knows structlog.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from structlog.tracebacks import ExceptionDictTransformer

from edi.naming import mask_account

# Keys whose values are ours (control numbers, counts, codes, our own names): passed as they are.
SAFE_KEYS = frozenset(
    {
        "event",
        "level",
        "timestamp",
        "file",
        "isa13",
        "gs06",
        "st02",
        "sender",
        "outcome",
        "ta1",
        "sets",
        "outputs",
        "codes",
        "rules",
        "output",
        "kind",
        "run",
        "state",
        "bytes",
        "stored_as",
        "files",
        "archived",
        "quarantined",
        "resumed_files",
        "failed",
        "settling",
        "interchanges",
        "duplicate_interchanges",
        "transactions",
        "accepted",
        "rejected_by_code",
        "other_outcomes",
        "documents_sent",
        "store",
        "inbox",
        "signal",
    }
)
MASKED_KEYS = frozenset({"account"})
FREE_TEXT_KEYS = frozenset({"reason", "error", "exception"})
_DIGIT_RUN = re.compile(r"\d{5,}(\d{4})")


def _mask_digits(value: Any) -> Any:
    """Digit runs of 9 or more (account numbers, DUNS) keep their last 4 digits only, at any depth."""
    if isinstance(value, str):
        return _DIGIT_RUN.sub(lambda m: "*" * (len(m.group(0)) - 4) + m.group(1), value)
    if isinstance(value, dict):
        return {k: _mask_digits(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_mask_digits(v) for v in value]
    return value


def redact(_: object, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Allow-list the keys, mask account numbers, mask digit runs in free text (also after exception rendering)."""
    for key in list(event_dict):
        value = event_dict[key]
        if key in SAFE_KEYS:
            continue
        if key in MASKED_KEYS:
            event_dict[key] = value if isinstance(value, str) and value.startswith("*") else mask_account(str(value))
        elif key in FREE_TEXT_KEYS:
            event_dict[key] = _mask_digits(value)
        else:
            event_dict[key] = "[redacted]"
    return event_dict


LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
_CONFIGURED = {"level": logging.DEBUG}  # the level ``configure`` set last (until then structlog passes everything)
DEBUG_EVENTS = frozenset({"transaction", "document_sent"})  # one per set or document: detail, not the story
WARNING_EVENTS = frozenset(
    {"file_quarantined", "file_failed", "run_failed", "run_aborted", "metrics_failed"}
)  # a person should look


def configure(stream: TextIO | None = None, *, as_json: bool | None = None, level: str = "info") -> None:
    """Logs to ``stream`` (stderr) from ``level`` up: JSON lines unless it is a terminal."""
    _CONFIGURED["level"] = LEVELS[level]
    out = stream or sys.stderr
    use_json = as_json if as_json is not None else not out.isatty()
    renderer: Any = (
        structlog.processors.JSONRenderer(sort_keys=True)
        if use_json
        else structlog.dev.ConsoleRenderer(colors=False, exception_formatter=structlog.dev.plain_traceback)
    )
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact,
            structlog.processors.ExceptionRenderer(ExceptionDictTransformer(show_locals=False)),
            redact,  # again: the rendered exception is text that may carry values
            renderer,
        ],
        logger_factory=structlog.PrintLoggerFactory(file=out),
        wrapper_class=structlog.make_filtering_bound_logger(LEVELS[level]),
        cache_logger_on_first_use=False,
    )


class _Sink:
    """Processing events as log lines: per set and document at debug, quarantines and failures at warning."""

    def __init__(self, log: Any) -> None:
        self.log = log
        self.broken = False

    def wants(self, event: str) -> bool:
        """Whether ``event`` would be written at the configured level (callers skip building unwanted ones)."""
        return not self.broken and _level(event) >= _CONFIGURED["level"]

    def __call__(self, event: str, **fields: object) -> None:
        if self.broken:
            return
        try:
            {logging.DEBUG: self.log.debug, logging.WARNING: self.log.warning}.get(_level(event), self.log.info)(
                event, **fields
            )
        except (OSError, ValueError):  # a closed or broken log stream (`... | head`): the work goes on, unlogged
            self.broken = True


def _level(event: str) -> int:
    """Per set or document: debug; quarantines and failures: warning (``-q`` still shows them); else info."""
    return logging.DEBUG if event in DEBUG_EVENTS else logging.WARNING if event in WARNING_EVENTS else logging.INFO


def event_sink(logger: Any | None = None) -> Any:
    """An ``EventSink`` writing each processing event as one log line."""
    return _Sink(logger or structlog.get_logger("sbo-edi"))
