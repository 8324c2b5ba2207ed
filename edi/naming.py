"""Names that are safe to show or to use as paths: account numbers masked, partner text filtered (F1)."""

from __future__ import annotations

import os
import re
from pathlib import Path

VISIBLE_DIGITS = 4
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def mask_account(number: str) -> str:
    """``0123456789`` -> ``******6789`` (short values are masked whole)."""
    if len(number) <= VISIBLE_DIGITS:
        return "*" * len(number)
    return "*" * (len(number) - VISIBLE_DIGITS) + number[-VISIBLE_DIGITS:]


def safe_stem(name: str) -> str:
    """A file-name stem built only from safe characters (F1)."""
    stem = _UNSAFE.sub("_", Path(name).stem).strip("._") or "input"
    return stem[:80]


def error_text(error: BaseException) -> str:
    """An exception as logs and the last-resort error line may show it: its kind, never its message (H5).

    Messages can quote partner data (a file name in an OSError, a value in a database error), so only the type,
    the errno with the system's own wording, and SQLite's error name are kept.
    """
    text = type(error).__name__
    if isinstance(error, OSError) and error.errno is not None:
        text += f": errno {error.errno} ({os.strerror(error.errno)})"
    name = getattr(error, "sqlite_errorname", None)
    return f"{text}: {name}" if isinstance(name, str) else text
