"""The 814 as the business layer sees it: the request read from a validated set, the response and the change built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from edi.x12.segments import DEFAULT_SEPARATORS, Segment, seg
from rules.decisions import Decision, DropNotice, SetSupplier
from rules.interchange import SetKind, classify_814
from rules.model import EnrollmentRequest


@dataclass(frozen=True)
class Request814:
    """Everything of an inbound 814 request that the decision or the response needs (guide section 4)."""

    st02: str
    bgn01: str
    request_id: str  # BGN02
    supplier_name: str
    supplier_duns: str
    supplier_qualifier: str
    utility_name: str
    utility_duns: str
    customer_name: str
    line_ref: str  # LIN01, echoed
    line_service: tuple[str, ...]  # LIN02..LIN05, echoed
    action: tuple[str, str]  # ASI01, ASI02
    account_number: str = ""
    supplier_account: str = ""
    billing_type: str = ""
    bill_calculator: str = ""
    requested_date: date | None = None
    lines: int = 1
    original_id: str = ""  # BGN06: on a cancel, the BGN02 of the request it withdraws (D10)
    change_items: tuple[str, ...] = ()  # REF*TD: what a change request changes (D11)
    echoes: tuple[tuple[str, str], ...] = ()  # REF*PRT, REF*17, REF*DR as sent: an accept echoes them

    @property
    def kind(self) -> SetKind:
        """Request or response, and which request (rules/interchange.py decides)."""
        return classify_814(self.bgn01, self.action, self.line_service[3] if len(self.line_service) > 3 else "")

    def to_rules(self) -> EnrollmentRequest:
        """The request in the terms of ``rules/`` (built once per request)."""
        return self.as_rules

    @cached_property
    def as_rules(self) -> EnrollmentRequest:
        """The request in the terms of ``rules/``."""
        return EnrollmentRequest(
            supplier_duns=self.supplier_duns,
            request_id=self.request_id,
            account_number=self.account_number,
            billing_type=self.billing_type,
            bill_calculator=self.bill_calculator,
            requested_date=self.requested_date,
            supplier_account=self.supplier_account,
            utility_duns=self.utility_duns,
            utility_name=self.utility_name,
        )


def _date(value: str) -> date | None:
    """A CCYYMMDD value (already checked by validation), or None."""
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8])) if len(value) == 8 else None
    except ValueError:
        return None


def _collect(segments: Sequence[Segment]) -> tuple[dict[str, str], dict[str, Segment], Segment | None, int, list[str]]:
    """One pass over a request's segments: keyed values, parties by N101, the first LIN, LIN count, REF*TD items."""
    values: dict[str, str] = {}
    parties: dict[str, Segment] = {}
    lin: Segment | None = None
    lines = 0
    td: list[str] = []
    for s in segments:
        v = s.elements
        tag = v[0]
        first = v[1] if len(v) > 1 else ""
        if tag == "N1":
            parties.setdefault(first, s)
        elif tag == "LIN":
            lines += 1
            lin = lin or s
        elif lines > 1:
            continue  # guide section 4: one account per 814; later LIN loops are echoed by LIN01 only
        elif tag == "ASI":
            values["ASI01"], values["ASI02"] = first, s.get(2)
        elif tag == "REF" or tag == "DTM":
            values.setdefault(tag + "*" + first, v[2] if len(v) > 2 else "")
            if first == "TD" and len(td) < 10:
                td.append(v[2] if len(v) > 2 else "")
        elif tag == "BGN":
            values["BGN01"], values["BGN02"], values["BGN06"] = first, s.get(2), s.get(6)
        elif tag == "ST":
            values["ST02"] = s.get(2)
    return values, parties, lin, lines, td


def parse_request(segments: Sequence[Segment]) -> Request814:
    """Read a request from the segments ST..SE of a set the validator accepted against the 814 map."""
    values, parties, lin, lines, td = _collect(segments)
    empty = Segment(["N1"])
    utility, supplier, customer = (parties.get(q, empty) for q in ("8S", "SJ", "8R"))
    return Request814(
        st02=values.get("ST02", ""),
        bgn01=values.get("BGN01", ""),
        request_id=values.get("BGN02", ""),
        supplier_name=supplier.get(2),
        supplier_duns=supplier.get(4),
        supplier_qualifier=supplier.get(3),
        utility_name=utility.get(2),
        utility_duns=utility.get(4),
        customer_name=customer.get(2),
        line_ref=lin.get(1) if lin else "",
        line_service=tuple(lin.get(i) for i in range(2, 6)) if lin else ("SH", "EL", "SH", "CE"),
        action=(values.get("ASI01", ""), values.get("ASI02", "")),
        account_number=values.get("REF*12", ""),
        supplier_account=values.get("REF*11", ""),
        billing_type=values.get("REF*BLT", ""),
        bill_calculator=values.get("REF*PC", ""),
        requested_date=_date(values.get("DTM*150", "")),
        lines=lines,
        original_id=values.get("BGN06", ""),
        change_items=tuple(td),
        echoes=tuple((q, values[f"REF*{q}"]) for q in ECHOED if values.get(f"REF*{q}")),
    )


@dataclass(frozen=True)
class Utility:
    """Our own party on every 814 and 810 (N1*8S)."""

    name: str
    duns: str


@dataclass(frozen=True)
class Granted:
    """What an accept states beyond the decision: the bill group and rate per service point from the store."""

    bill_group: int
    rate_classes: tuple[str, ...]


_OUR_SEPARATORS = str.maketrans(dict.fromkeys(DEFAULT_SEPARATORS.as_tuple(), " "))


_DATES: dict[date, str] = {}


def ccyymmdd(day: date) -> str:
    """An X12 DT value; a run writes the same few dates on every response, so each is formatted once."""
    text = _DATES.get(day)
    if text is None:
        if len(_DATES) > 10_000:
            _DATES.clear()
        text = _DATES[day] = day.strftime("%Y%m%d")
    return text


ECHOED = ("PRT", "17", "DR")  # product type, AMI interval data preference, demand response (guide section 10)
STATUS_CODES = frozenset({"HUU", "HIU"})  # answered in REF*1P (guide section 10)
_CLEANED: dict[str, str] = {}


def clean(value: str) -> str:
    """An echoed or free-text value made safe for our separators (the inbound file may have used others)."""
    done = _CLEANED.get(value)
    if done is None:
        done = value.translate(_OUR_SEPARATORS).strip()
        if len(value) < 40:  # the same parties, codes and line values recur on every set: remember short ones
            if len(_CLEANED) > 4096:
                _CLEANED.clear()
            _CLEANED[value] = done
    return done


def _parties(utility: Utility, request: Request814) -> list[Segment]:
    """N1*8S (us), N1*SJ (the RES as it named itself), N1*8R when the request named the customer."""
    out = [
        seg("N1", "8S", utility.name, "1", utility.duns),
        # N102 is required: a name made only of our separators falls back to the DUNS
        seg(
            "N1",
            "SJ",
            clean(request.supplier_name) or clean(request.supplier_duns),
            clean(request.supplier_qualifier) or "1",
            clean(request.supplier_duns),
        ),
    ]
    if clean(request.customer_name):
        out.append(seg("N1", "8R", clean(request.customer_name)))
    return out


def _granted_loop(request: Request814, option: SetSupplier, group: str, rate: str) -> list[Segment]:
    """What an accept states for one service point (its LIN loop after the LIN itself)."""
    body = [seg("ASI", "WQ", clean(request.action[1]) or "021"), seg("REF", "12", clean(request.account_number))]
    if clean(request.supplier_account):
        body.append(seg("REF", "11", clean(request.supplier_account)))
    body += [seg("REF", "BLT", option.billing_type), seg("REF", "PC", option.bill_calculator)]
    body += [seg("REF", qualifier, clean(value)) for qualifier, value in request.echoes if clean(value)]
    body += [seg("REF", "BF", group)] if group else []
    body += [seg("REF", "NH", rate)] if rate else []
    return [*body, seg("DTM", "007", ccyymmdd(option.effective))]


def _granted_loops(request: Request814, option: SetSupplier, granted: Granted | None) -> list[Segment]:
    """One LIN loop per electric service point, each with its rate and its own DTM*007 (guide section 10)."""
    group = f"{granted.bill_group:02d}" if granted is not None else ""
    rates = granted.rate_classes if granted is not None and granted.rate_classes else ("",)
    loops = _granted_loop(request, option, group, rates[0])
    line = clean(request.line_ref) or "1"
    for n, rate in enumerate(rates[1:], start=2):
        loops.append(seg("LIN", f"{line}.{n}", *(clean(v) for v in request.line_service)))
        loops += _granted_loop(request, option, group, rate)
    return loops


def response_body(
    request: Request814, decision: Decision, *, utility: Utility, reference: str, today: date, granted: Granted | None
) -> list[Segment]:
    """The 814 response between ST and SE: accept (ASI*WQ) or reject (ASI*U with every REF*7G)."""
    body = [seg("BGN", "11", reference, ccyymmdd(today), "", "", clean(request.request_id))]
    body += _parties(utility, request)
    body.append(seg("LIN", clean(request.line_ref) or "1", *(clean(v) for v in request.line_service)))
    account = clean(request.account_number)
    if decision.accepted and not decision.granted and not decision.ended:  # D10 cancel, D11 change without option
        body += [seg("ASI", "WQ", clean(request.action[1]) or "021"), seg("REF", "12", account)]
        if clean(request.supplier_account):
            body.append(seg("REF", "11", clean(request.supplier_account)))
        body += [seg("REF", "TD", clean(item)) for item in request.change_items if clean(item)]
        return body
    ended = decision.ended
    if decision.accepted and ended is not None:  # D8: the drop's end of supply
        body += [seg("ASI", "WQ", "024"), seg("REF", "12", account)]
        if clean(request.supplier_account):
            body.append(seg("REF", "11", clean(request.supplier_account)))
        body.append(seg("DTM", "007", ccyymmdd(ended.effective)))
        return body
    option = decision.granted
    if decision.accepted and option is not None:
        return body + _granted_loops(request, option, granted)
    body.append(seg("ASI", "U", clean(request.action[1]) or "021"))
    if account:
        body.append(seg("REF", "12", account))
    for reason in decision.reasons:
        status = reason.code in STATUS_CODES  # a REF*1P status (HUU) rather than a REF*7G reject reason
        body.append(seg("REF", "1P" if status else "7G", reason.code, clean(reason.text)[:80]))
    return body


@dataclass(frozen=True)
class SwitchNotice:
    """D3: the off-cycle account moves from DUAL to SBO at the end of its first period; the RES is told."""

    account_number: str
    supplier_duns: str
    supplier_name: str
    supplier_account: str
    switch_date: date
    request_id: str


def change_body(notice: SwitchNotice, *, utility: Utility, reference: str, today: date) -> list[Segment]:
    """The utility-initiated 814 change of D3: ASI*7*001, REF*BLT*ESP, REF*PC*DUAL, REF*TD*REFBLT/REFNM, DTM*007."""
    body = [
        seg("BGN", "13", reference, ccyymmdd(today), "", "", clean(notice.request_id)),
        seg("N1", "8S", utility.name, "1", utility.duns),
        seg(
            "N1",
            "SJ",
            clean(notice.supplier_name),
            "1" if len(notice.supplier_duns) == 9 else "9",
            notice.supplier_duns,
        ),
        seg("LIN", "1", "SH", "EL", "SH", "CE"),
        seg("ASI", "7", "001"),
        seg("REF", "12", notice.account_number),
    ]
    if clean(notice.supplier_account):
        body.append(seg("REF", "11", clean(notice.supplier_account)))
    body += [
        seg("REF", "BLT", "ESP"),
        seg("REF", "PC", "DUAL"),
        seg("REF", "TD", "REFBLT"),
        seg("REF", "TD", "REFNM"),  # Ameren change control 058 (2025-11-20): on every 814 change (guide section 10)
        seg("DTM", "007", notice.switch_date.strftime("%Y%m%d")),
    ]
    return body


def drop_notice_body(notice: DropNotice, account: str, *, utility: Utility, supplier_name: str, reference: str,
                     today: date) -> list[Segment]:  # fmt: skip
    """D9: the utility-initiated 814 drop to the RES losing an account: ASI*7*024, REF*12, REF*11, DTM*007."""
    body = [
        seg("BGN", "13", reference, ccyymmdd(today)),
        seg("N1", "8S", utility.name, "1", utility.duns),
        seg(
            "N1",
            "SJ",
            clean(supplier_name) or notice.supplier_duns,
            "1" if len(notice.supplier_duns) == 9 else "9",
            notice.supplier_duns,
        ),  # fmt: skip
        seg("LIN", "1", "SH", "EL", "SH", "CE"),
        seg("ASI", "7", "024"),
        seg("REF", "12", account),
    ]
    if clean(notice.supplier_account):
        body.append(seg("REF", "11", clean(notice.supplier_account)))
    body.append(seg("DTM", "007", ccyymmdd(notice.effective)))
    return body
