"""X12 4010 data types (ID, DT, TM, N) as pure checks, and the AK4 value an element error becomes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ElementError:
    """One AK4: element position, dictionary number, AK403 code, the bad value (if any) and a message."""

    position: int
    data_element: str
    code: str
    value: str
    message: str


def is_digits(value: str) -> bool:
    """ASCII digits only (``str.isdigit`` also accepts superscripts and other scripts' digits)."""
    return value.isascii() and value.isdigit()


_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid_date(value: str) -> bool:
    """CCYYMMDD (4010 DT of length 8) or YYMMDD, a real calendar day."""
    if not is_digits(value) or len(value) not in (6, 8):
        return False
    year = int(value[:-4])
    month, day = int(value[-4:-2]), int(value[-2:])
    if not 1 <= month <= 12 or day < 1:
        return False
    if month == 2 and day == 29:
        full = year if len(value) == 8 else 2000 + year
        return full % 4 == 0 and (full % 100 != 0 or full % 400 == 0)
    return day <= _DAYS[month - 1]


def valid_time(value: str) -> bool:
    """HHMM, HHMMSS or HHMMSSd..d with real hours, minutes and seconds."""
    if not is_digits(value) or len(value) < 4 or len(value) == 5:
        return False
    if int(value[:2]) > 23 or int(value[2:4]) > 59:
        return False
    return len(value) < 6 or int(value[4:6]) <= 59
