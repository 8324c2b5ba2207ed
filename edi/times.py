"""One time zone (O8): every time recorded or printed is UTC with ``Z``; business dates are the utility's days.

The clock is read at the command line's edge in the utility's zone (``timezone`` in the configuration, Central
time by default), so X12 envelope dates, ``--as-of`` and read dates are the utility's local days, while the store,
the logs, ``status`` and ``explain`` all say UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTILITY_ZONE = "America/Chicago"  # Ameren Illinois keeps Central time


class ZoneError(ValueError):
    """A time zone name the time zone database does not know."""


def zone(name: str = UTILITY_ZONE) -> ZoneInfo:
    """The IANA zone by name (``America/Chicago``)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ZoneError(f"unknown time zone {name!r} (an IANA name such as America/Chicago)") from error


def in_zone(moment: datetime, where: ZoneInfo) -> datetime:
    """A time placed in a zone: a naive time is read as wall-clock time there, an aware one converted."""
    return moment.replace(tzinfo=where) if moment.tzinfo is None else moment.astimezone(where)


_LAST: list[object] = [None, ""]


def stamp(moment: datetime) -> str:
    """The stored and printed form of a time: UTC to the second with ``Z`` (a naive time is refused)."""
    if moment.tzinfo is None:
        raise ValueError("a naive time cannot be stamped: place it in a zone first (edi.times.in_zone)")
    if _LAST[0] is not moment:  # a run stamps thousands of rows with one clock reading: format it once
        _LAST[:] = [moment, moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    return str(_LAST[1])


def parse_stamp(text: str) -> datetime:
    """A stored stamp back as an aware UTC time."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
