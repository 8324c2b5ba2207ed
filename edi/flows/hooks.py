"""What every flow is handed from outside: where its events go and where a test may crash it (no I/O here)."""

from __future__ import annotations

from collections.abc import Callable

Failpoint = Callable[[str], None]  # named crash points for the exactly-once tests
EventSink = Callable[..., None]  # event name, then allow-listed fields (never names or clear account numbers)
Guard = Callable[[], None]  # run inside each interchange's transaction just before its commit; raising rolls it back


def wants(events: EventSink, event: str) -> bool:
    """Whether a sink would keep ``event`` (a sink without ``wants`` keeps everything)."""
    check = getattr(events, "wants", None)
    return bool(check(event)) if check is not None else True


def no_failpoint(name: str) -> None:
    """The default: no crash points armed."""


def no_guard() -> None:
    """The default: nothing to check before a commit."""


def no_event(event: str, **fields: object) -> None:
    """The default sink: events go nowhere."""
