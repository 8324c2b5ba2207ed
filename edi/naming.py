"""Keeping customer data out of logs and printouts: account numbers shown by their last 4 digits only."""

from __future__ import annotations

VISIBLE_DIGITS = 4


def mask_account(number: str) -> str:
    """``0123456789`` -> ``******6789`` (short values are masked whole)."""
    if len(number) <= VISIBLE_DIGITS:
        return "*" * len(number)
    return "*" * (len(number) - VISIBLE_DIGITS) + number[-VISIBLE_DIGITS:]
