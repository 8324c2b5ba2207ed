"""The 814 response, written as text as it is built: every request gets one, so it is the set written most.

Each line is the segment ``seg`` would build, as ``render_set`` writes it (``segment_line``: trailing empty
elements dropped, our separators, a line break after each terminator). What recurs on every response of a run
(our N1 and the RES's, the LIN, the option's REF*BLT and REF*PC, a bill group's REF*BF, REF*NH and DTM*007) is
written once per value and reused (building and writing segment objects cost 22 us a response).
"""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from edi.transactions.tx814 import Echo, Granted, Request814, Utility, ccyymmdd, clean
from edi.x12.writer import SetText, segment_line
from rules.decisions import Decision, SetSupplier
from rules.usage import STATUSES

STATUS_CODES = STATUSES  # answered in REF*1P (guide section 10, D12)
REMEMBERED = 4096  # lines kept per kind; the values come from the file (H1), so the memory is bounded

Lines = tuple[str, ...]
_PARTIES: dict[tuple[str, ...], Lines] = {}
_LINES: dict[tuple[str, ...], str] = {}
_OPTIONS: dict[tuple[str, str], Lines] = {}
_TAILS: dict[tuple[str, str, date], Lines] = {}


K = TypeVar("K")
V = TypeVar("V")


def _remember(memory: dict[K, V], key: K, value: V) -> None:
    """Keep a written line for the next response (all of a kind forgotten at ``REMEMBERED``)."""
    if len(memory) >= REMEMBERED:
        memory.clear()
    memory[key] = value


def _parties(utility: Utility, request: Request814) -> Lines:
    """N1*8S (us) and N1*SJ (the RES as it named itself; its DUNS when the name was only our separators)."""
    key = (utility.name, utility.duns, request.supplier_name, request.supplier_qualifier, request.supplier_duns)
    lines = _PARTIES.get(key)
    if lines is None:
        duns = clean(request.supplier_duns)
        lines = (
            segment_line("N1", "8S", utility.name, "1", utility.duns),
            segment_line(
                "N1", "SJ", clean(request.supplier_name) or duns, clean(request.supplier_qualifier) or "1", duns
            ),
        )
        _remember(_PARTIES, key, lines)
    return lines


def _lin(line_ref: str, service: tuple[str, ...]) -> str:
    """LIN with the request's LIN02..LIN05 echoed."""
    key = (line_ref, *service)
    line = _LINES.get(key)
    if line is None:
        line = segment_line("LIN", line_ref, *(clean(v) for v in service))
        _remember(_LINES, key, line)
    return line


def _account_refs(echo: Echo, action: str) -> list[str]:
    """ASI, REF*12 and (when the RES sent one) REF*11: how every accepted answer states the account."""
    lines = [segment_line("ASI", "WQ", action), segment_line("REF", "12", echo.account)]
    if echo.supplier_account_line:
        lines.append(echo.supplier_account_line)
    return lines


def _option(option: SetSupplier) -> Lines:
    """REF*BLT and REF*PC: the billing option granted."""
    key = (option.billing_type, option.bill_calculator)
    lines = _OPTIONS.get(key)
    if lines is None:
        lines = (segment_line("REF", "BLT", option.billing_type), segment_line("REF", "PC", option.bill_calculator))
        _remember(_OPTIONS, key, lines)
    return lines


def _tail(group: str, rate: str, effective: date) -> Lines:
    """REF*BF (bill group), REF*NH (rate class) when known, and the DTM*007 of one service point's loop."""
    key = (group, rate, effective)
    lines = _TAILS.get(key)
    if lines is None:
        found = [segment_line("REF", "BF", group)] if group else []
        found += [segment_line("REF", "NH", rate)] if rate else []
        lines = (*found, segment_line("DTM", "007", ccyymmdd(effective)))
        _remember(_TAILS, key, lines)
    return lines


def _granted_loops(request: Request814, option: SetSupplier, granted: Granted | None) -> list[str]:
    """One LIN loop per electric service point, each with its rate and its own DTM*007 (guide section 10)."""
    group = f"{granted.bill_group:02d}" if granted is not None else ""
    rates = granted.rate_classes if granted is not None and granted.rate_classes else ("",)
    echo = request.echo
    refs = _account_refs(echo, echo.action or "021")
    refs += _option(option)
    refs += echo.refs
    loops = [*refs, *_tail(group, rates[0], option.effective)]
    for n, rate in enumerate(rates[1:], start=2):
        loops.append(_lin(f"{echo.line}.{n}", request.line_service))
        loops += refs
        loops += _tail(group, rate, option.effective)
    return loops


def _answer_lines(request: Request814, decision: Decision, granted: Granted | None) -> list[str]:
    """What follows the LIN: the accept of a cancel or change, of a drop, of an enrollment, or the reject."""
    echo = request.echo
    option, ended = decision.granted, decision.ended
    if decision.accepted and option is None and ended is None:  # D10 cancel, D11 change without option
        lines = _account_refs(echo, echo.action or "021")
        return lines + [segment_line("REF", "TD", clean(item)) for item in request.change_items if clean(item)]
    if decision.accepted and ended is not None:  # D8: the drop's end of supply
        return [*_account_refs(echo, "024"), segment_line("DTM", "007", ccyymmdd(ended.effective))]
    if decision.accepted and option is not None:
        return _granted_loops(request, option, granted)
    lines = [segment_line("ASI", "U", echo.action or "021")]
    if echo.account:
        lines.append(segment_line("REF", "12", echo.account))
    for reason in decision.reasons:
        status = reason.code in STATUS_CODES  # a REF*1P status (HUR, HUU, HIU) rather than a REF*7G reason
        lines.append(segment_line("REF", "1P" if status else "7G", reason.code, clean(reason.text)[:80]))
    return lines


def response_text(request: Request814, decision: Decision, *, utility: Utility, reference: str, today: date,
                  granted: Granted | None) -> SetText:  # fmt: skip
    """The 814 response between ST and SE: accept (ASI*WQ) or reject (ASI*U with every REF*7G)."""
    echo = request.echo  # written where the request was read
    lines = [
        segment_line("BGN", "11", reference, ccyymmdd(today), "", "", echo.request_id),
        *_parties(utility, request),
    ]
    if echo.customer_line:
        lines.append(echo.customer_line)
    lines.append(_lin(echo.line, request.line_service))
    lines += _answer_lines(request, decision, granted)
    return SetText("".join(lines), len(lines))
