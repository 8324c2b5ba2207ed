"""The 814 as the business layer sees it: the request read from a validated set, the response and the change built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from typing import NamedTuple

from edi.x12.segments import DEFAULT_SEPARATORS, Segment, seg
from edi.x12.writer import segment_line
from rules.decisions import DropNotice
from rules.interchange import SetKind, classify_814
from rules.model import EnrollmentRequest, Subject


class Echo(NamedTuple):
    """What every answer to a request repeats of it, made safe for our separators once, with the request."""

    request_id: str  # BGN02, as BGN06 of the answer
    customer_line: str  # N1*8R, or "" when the request named nobody
    line: str  # LIN01 as answered
    account: str  # REF*12
    supplier_account_line: str  # REF*11, or "" when the RES sent none
    action: str  # ASI02
    refs: tuple[str, ...]  # the REF*PRT, REF*17, REF*DR lines an accept echoes


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

    as_rules: EnrollmentRequest = field(init=False, repr=False, compare=False)  # the request in ``rules/`` terms
    echo: Echo = field(init=False, repr=False, compare=False)  # for the 814 response (tx814_response.py)
    subject: Subject = field(init=False, repr=False, compare=False)  # whom and what, as its outcome row records it

    def __post_init__(self) -> None:
        # Built with the request, so in the reading process when there is one: the deciding one
        # unpickles it, which costs a third of building a frozen dataclass.
        rules = EnrollmentRequest(
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
        object.__setattr__(self, "as_rules", rules)
        object.__setattr__(self, "echo", _echo(self))
        object.__setattr__(self, "subject", rules.subject)

    def to_rules(self) -> EnrollmentRequest:
        """The request in the terms of ``rules/``."""
        return self.as_rules

    def __reduce__(self) -> tuple[Callable[[tuple[object, ...]], Request814], tuple[tuple[object, ...]]]:
        """Pickled as its values in field order: the reading process sends every request, and this loads in 2/3."""
        return _unpickled, (tuple([getattr(self, name) for name in _FIELD_NAMES]),)


_FIELD_NAMES = tuple(f.name for f in fields(Request814))  # as_rules and echo included: not built again


def _unpickled(values: tuple[object, ...]) -> Request814:
    """A pickled request as it was, derived fields and all (``__post_init__`` does not run again)."""
    request = object.__new__(Request814)
    request.__dict__.update(zip(_FIELD_NAMES, values, strict=True))
    return request


def _echo(request: Request814) -> Echo:
    """The request's values an answer repeats, cleaned and written as the answer's lines where they are whole."""
    customer, supplier_account = clean(request.customer_name), clean(request.supplier_account)
    return Echo(
        request_id=clean(request.request_id),
        customer_line=segment_line("N1", "8R", customer) if customer else "",
        line=clean(request.line_ref) or "1",
        account=clean(request.account_number),
        supplier_account_line=segment_line("REF", "11", supplier_account) if supplier_account else "",
        action=clean(request.action[1]),
        refs=tuple(segment_line("REF", q, clean(v)) for q, v in request.echoes if clean(v)),
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
