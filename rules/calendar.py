"""Business days, billing windows and scheduled reads (guide sections 1 and 2, timing facts)."""

from __future__ import annotations

from datetime import date, timedelta

from rules.model import ReadCalendar


def is_business_day(day: date, calendar: ReadCalendar) -> bool:
    """Weekdays that are not utility holidays."""
    return day.weekday() < 5 and day not in calendar.holidays


def add_business_days(day: date, count: int, calendar: ReadCalendar) -> date:
    """Move ``count`` business days forward (negative: backward)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_business_day(day, calendar):
            remaining -= 1
    return day


def billing_window(read: date, calendar: ReadCalendar) -> tuple[date, date]:
    """From 2 business days before a scheduled read to 1 business day after it."""
    window = calendar.windows.get(read)
    if window is None:
        window = calendar.windows[read] = (add_business_days(read, -2, calendar), add_business_days(read, 1, calendar))
    return window


def reads_for(group: int, calendar: ReadCalendar) -> tuple[date, ...]:
    """The group's scheduled read dates, in order."""
    reads = calendar.ordered.get(group)
    if reads is None:
        reads = calendar.ordered[group] = tuple(sorted(calendar.reads.get(group, ())))
    return reads


def read_in_window(group: int, day: date, calendar: ReadCalendar) -> date | None:
    """The scheduled read whose billing window contains ``day``, if any."""
    for read in reads_for(group, calendar):
        start, end = billing_window(read, calendar)
        if start <= day <= end:
            return read
    return None


def next_read_after(group: int, day: date, calendar: ReadCalendar) -> date | None:
    """The first scheduled read strictly after ``day``."""
    return next((read for read in reads_for(group, calendar) if read > day), None)


def next_open_read(group: int, as_of: date, calendar: ReadCalendar) -> date | None:
    """The first read whose billing window has not opened yet on ``as_of`` (on-cycle enrollments)."""
    for read in reads_for(group, calendar):
        if billing_window(read, calendar)[0] > as_of:
            return read
    return None
