"""Names that are safe to show or to use as paths: account numbers masked, partner text filtered (F1)."""

from __future__ import annotations

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
