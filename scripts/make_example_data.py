#!/usr/bin/env python3
"""Writes the bundled example data: fixtures/example (accounts, suppliers, calendar), fixtures/drop, fixtures/cases.

Inputs only, deterministic. The expected outputs of the cases are written by `python scripts/update_goldens.py`
and reviewed in the diff before commit. Run from the repository root.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "fixtures" / "example"
DROP = ROOT / "fixtures" / "drop"
CASES = ROOT / "fixtures" / "conformance"
PACKAGED_REFERENCE = ROOT / "edi" / "conformance" / "reference"  # partner mode's defaults ship in the package

UTILITY = ("AMEREN ILLINOIS", "111111111")
PRAIRIE = ("PRAIRIE POWER LLC", "222222222")
LAKESIDE = ("LAKESIDE ENERGY INC", "4444444440001")  # DUNS+4, DUAL and LDC only
UNKNOWN = ("NOBODY POWER", "333333333")
AS_OF = date(2026, 11, 2)  # a Monday; every case and the demo run on this processing date
NOW = "2026-11-02T09:30"
HOLIDAYS = {
    date(2026, 11, 26): "Thanksgiving",
    date(2026, 11, 27): "Day after Thanksgiving",
    date(2026, 12, 25): "Christmas",
    date(2027, 1, 1): "New Year's Day",
    # Ameren's non-processing days for enrollments, drops and changes (guide section 10)
    date(2027, 1, 18): "Martin Luther King Jr. Day",
    date(2027, 2, 15): "Presidents' Day",
    date(2027, 6, 18): "Juneteenth (observed)",
}


# -- reference data -------------------------------------------------------------------------------------------
def business_days(year: int, month: int) -> list[date]:
    """Weekdays of the month that are not utility holidays."""
    day, out = date(year, month, 1), []
    while day.month == month:
        if day.weekday() < 5 and day not in HOLIDAYS:
            out.append(day)
        day += timedelta(days=1)
    return out


def calendar_lines() -> list[dict[str, Any]]:
    """Group g reads on the g-th business day of each month (the last one in short months), Sep 2026 to Jun 2027."""
    months = [business_days(y, m) for y, m in [(2026, m) for m in range(9, 13)] + [(2027, m) for m in range(1, 7)]]
    lines: list[dict[str, Any]] = [
        {"bill_group": g, "reads": [days[min(g, len(days)) - 1].isoformat() for days in months]} for g in range(1, 22)
    ]
    lines += [{"holiday": d.isoformat(), "name": n} for d, n in HOLIDAYS.items()]
    return lines


SUPPLIERS = [
    {"duns": PRAIRIE[1], "name": PRAIRIE[0], "billing_types": ["LDC", "DUAL", "ESP"]},
    {"duns": LAKESIDE[1], "name": LAKESIDE[0], "billing_types": ["LDC", "DUAL"]},
]


# -- accounts -------------------------------------------------------------------------------------------------
def history(seed: int, gas: bool, direct_pay: bool) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """12 monthly bills (kWh, therms) ending October 2026, each paid 10 days after its bill date."""
    bills, payments = [], []
    for i in range(12):
        year, month = (2025, 11 + i) if i < 2 else (2026, i - 1)
        start = date(year, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        kwh = 420 + (seed * 37 + i * 53) % 600
        therms = (40 + (seed * 11 + i * 29) % 120) if gas else 0
        amount = Decimal(kwh) * Decimal("0.1187") + Decimal(therms) * Decimal("0.9420") + Decimal("15.50")
        amount = amount.quantize(Decimal("0.01"))
        bill_date = end + timedelta(days=3)
        bills.append(
            {
                "period_start": start.isoformat(),
                "period_end": end.isoformat(),
                "bill_date": bill_date.isoformat(),
                "due_date": (bill_date + timedelta(days=21)).isoformat(),
                "amount": str(amount),
                "kwh": str(kwh),
                "therms": str(therms),
            }
        )
        if i < 11:  # the last bill is the current balance, not yet due
            payments.append(
                {
                    "date": (bill_date + timedelta(days=10)).isoformat(),
                    "amount": str(amount),
                    "method": "direct pay" if direct_pay else "online",
                }
            )
    return bills, payments


def account(
    number: str, name: str, *, seed: int, group: int = 7, gas: bool = False, status: str = "active", **extra: Any
) -> dict[str, Any]:
    """One snapshot line with service points and a year of history."""
    bills, payments = history(seed, gas, "direct_pay" in extra)
    points = [
        {
            "id": f"E{number[-6:]}",
            "commodity": "EL",
            "rate_class": "DS1",
            "meter": f"M{number[-6:]}",
            "supply": [{"billing_type": "LDC", "bill_calculator": "LDC", "effective": "2019-06-01"}],
        }
    ]
    if gas:
        points.append({"id": f"G{number[-6:]}", "commodity": "GAS", "rate_class": "GDS1", "meter": f"GM{number[-5:]}"})
    line = {
        "number": number,
        "status": status,
        "customer": {
            "name": name,
            "street": f"{100 + seed} W MAIN ST",
            "city": "PEORIA",
            "state": "IL",
            "zip": "61602",
        },
        "bill_group": group,
        "balance": bills[-1]["amount"],
        "due_date": bills[-1]["due_date"],
        "service_points": points,
        "bills": bills,
        "payments": payments,
    }
    line.update(extra)
    return line


def budget(monthly: str, actuals: list[str]) -> dict[str, Any]:
    """A plan started 2026-01-01 with every installment paid."""
    periods = [
        {
            "period_end": (date(2026, m + 1, 1) - timedelta(days=1)).isoformat(),
            "billed": monthly,
            "paid": monthly,
            "actual": a,
        }
        for m, a in enumerate(actuals, start=1)
    ]
    return {"monthly_amount": monthly, "start": "2026-01-01", "periods": periods}


ACCOUNTS = {
    "plain": account("1000000001", "ALICE PLAIN", seed=1),
    "budget_due": account(
        "1000000002",
        "BRUNO BUDGET",
        seed=2,
        budget=budget(
            "95.00", ["101.12", "99.40", "88.75", "70.10", "82.33", "120.44", "141.90", "138.27", "97.55", "84.14"]
        ),
    ),
    "budget_credit": account(
        "1000000003",
        "CARLA CREDIT",
        seed=3,
        budget=budget(
            "80.00", ["70.00", "75.50", "66.20", "59.90", "72.30", "88.00", "91.45", "85.25", "69.70", "79.60"]
        ),
    ),
    "arrears": account("1000000004", "DEREK ARREARS", seed=4, past_due=[{"amount": "58.20", "due_date": "2026-10-20"}]),
    "summary": account("1000000005", "ELENA SUMMARY", seed=5, summary_group="SUM-0042"),
    "gas": account("1000000006", "FRANK DUALFUEL", seed=6, gas=True),
    "gas_direct_pay": account("1000000007", "GRACE DIRECTPAY", seed=7, gas=True, direct_pay={"bank_last4": "4321"}),
    "off_cycle": account("1000000008", "HENRY OFFCYCLE", seed=8),
    "final": account("1000000009", "IRIS FINAL", seed=9, status="final"),
    "pending": account(
        "1000000010",
        "JACK PENDING",
        seed=10,
        service_points=[
            {
                "id": "E000010",
                "commodity": "EL",
                "rate_class": "DS1",
                "meter": "M000010",
                "supply": [
                    {"billing_type": "LDC", "bill_calculator": "LDC", "effective": "2019-06-01"},
                    {
                        "supplier": LAKESIDE[1],
                        "billing_type": "DUAL",
                        "bill_calculator": "DUAL",
                        "effective": "2026-11-10",
                    },
                ],
            }
        ],
    ),
    "everything": account(
        "1000000011",
        "KAREN EVERYTHING",
        seed=11,
        gas=True,
        summary_group="SUM-0077",
        direct_pay={"bank_last4": "8765"},
        budget=budget(
            "110.00", ["120.00", "130.00", "125.00", "100.00", "95.00", "140.00", "150.00", "145.00", "105.00", "96.00"]
        ),
    ),
    "dual_ok": account("1000000012", "LEO DUAL", seed=12, group=3),
    "served_sbo": account(  # D8: served by Prairie Power on SBO since June; Prairie drops it
        "1000000013",
        "LENA SERVED",
        seed=13,
        service_points=[
            {
                "id": "E000013",
                "commodity": "EL",
                "rate_class": "DS1",
                "meter": "M000013",
                "supply": [
                    {"billing_type": "LDC", "bill_calculator": "LDC", "effective": "2019-06-01"},
                    {
                        "supplier": PRAIRIE[1],
                        "supplier_account": "PP-000900",
                        "billing_type": "ESP",
                        "bill_calculator": "DUAL",
                        "effective": "2026-06-09",
                    },
                ],
            }
        ],
    ),
    "served_lakeside": account(  # D9: served by Lakeside on DUAL; Prairie's enrollment in the demo takes it
        "1000000014",
        "MARTA SWITCHING",
        seed=14,
        service_points=[
            {
                "id": "E000014",
                "commodity": "EL",
                "rate_class": "DS1",
                "meter": "M000014",
                "supply": [
                    {"billing_type": "LDC", "bill_calculator": "LDC", "effective": "2019-06-01"},
                    {
                        "supplier": LAKESIDE[1],
                        "supplier_account": "LK-000914",
                        "billing_type": "DUAL",
                        "bill_calculator": "DUAL",
                        "effective": "2026-05-11",
                    },
                ],
            }
        ],
    ),
    "usage_released": account("1000000016", "OLIVE USAGE", seed=16, group=3, usage_released=True),  # D12
    "usage_none": account("1000000017", "PAUL NEWHOME", seed=17, group=3, usage_released=True, bills=[], payments=[]),
    "served_dual": account(  # D11: served by Prairie on DUAL with a budget plan; the demo changes it to SBO
        "1000000015",
        "NORA CHANGING",
        seed=15,
        budget=budget(
            "85.00", ["90.10", "88.40", "79.75", "65.10", "77.33", "110.44", "131.90", "128.27", "92.55", "80.14"]
        ),
        service_points=[
            {
                "id": "E000015",
                "commodity": "EL",
                "rate_class": "DS1",
                "meter": "M000015",
                "supply": [
                    {"billing_type": "LDC", "bill_calculator": "LDC", "effective": "2019-06-01"},
                    {
                        "supplier": PRAIRIE[1],
                        "supplier_account": "PP-000915",
                        "billing_type": "DUAL",
                        "bill_calculator": "DUAL",
                        "effective": "2026-06-09",
                    },
                ],
            }
        ],
    ),
}


# -- X12 ------------------------------------------------------------------------------------------------------
def isa(control: int, sender: str, *, ack: str = "0", usage: str = "P") -> str:
    qualifier = "01" if len(sender) == 9 else "14"
    return (
        f"ISA*00*          *00*          *{qualifier}*{sender:<15}*01*{UTILITY[1]:<15}*261102*0900*U*00401*"
        f"{control:09d}*{ack}*{usage}*>~"
    )


def request(
    st02: str,
    bgn02: str,
    acct: str,
    *,
    supplier: tuple[str, str] = PRAIRIE,
    blt: str | None = "ESP",
    pc: str | None = "DUAL",
    start: date | None = None,
    name: str = "",
    res_account: str = "",
    asi: str = "ASI*7*021",
) -> list[str]:
    """One 814 enrollment request (guide section 4)."""
    qualifier = "1" if len(supplier[1]) == 9 else "9"
    body = [
        f"BGN*13*{bgn02}*20261102",
        f"N1*8S*{UTILITY[0]}*1*{UTILITY[1]}",
        f"N1*SJ*{supplier[0]}*{qualifier}*{supplier[1]}",
    ]
    if name:
        body.append(f"N1*8R*{name}")
    body += ["LIN*1*SH*EL*SH*CE", asi, f"REF*12*{acct}"]
    if res_account:
        body.append(f"REF*11*{res_account}")
    if blt:
        body.append(f"REF*BLT*{blt}")
    if pc:
        body.append(f"REF*PC*{pc}")
    if start:
        body.append(f"DTM*150*{start:%Y%m%d}")
    segments = [f"ST*814*{st02}", *body]
    return [s + "~" for s in segments] + [f"SE*{len(segments) + 1}*{st02}~"]


def interchange(
    control: int, sets: list[list[str]], *, sender: tuple[str, str] = PRAIRIE, ack: str = "0", usage: str = "P"
) -> str:
    """One ISA..IEA with one GE group, a line break after each segment."""
    segments = [
        isa(control, sender[1], ack=ack, usage=usage),
        f"GS*GE*{sender[1]}*{UTILITY[1]}*20261102*0900*{control}*X*004010~",
    ]
    for s in sets:
        segments += s
    segments += [f"GE*{len(sets)}*{control}~", f"IEA*1*{control:09d}~"]
    return "\n".join(segments) + "\n"


def number(key: str) -> str:
    return str(ACCOUNTS[key]["number"])


# Each case: name -> (what it covers, the accounts it starts from, its requests, extra steps).
OFF_CYCLE_DATE = date(2026, 11, 20)  # outside group 7's windows (Nov 6-11, Dec 7-10)
GROUP7_DECEMBER_READ = business_days(2026, 12)[6]


def usage_request(segments: list[str], service: str) -> list[str]:
    """An enrollment request turned into a historical-usage request (LIN05 HU or HI; guide section 10)."""
    return [seg.replace("LIN*1*SH*EL*SH*CE~", f"LIN*1*SH*EL*SH*{service}~") for seg in segments]


def cases() -> dict[str, dict[str, Any]]:
    """The golden cases: one per rule R1 to R7 and per 7G reason code, plus the issue's named scenarios."""
    p = "RES2026110200"

    def one(key: str, n: int, **kw: Any) -> list[list[str]]:
        return [
            request(
                "0001",
                f"{p}{n:02d}",
                number(key),
                name=ACCOUNTS[key]["customer"]["name"],
                res_account=f"PP-{n:06d}",
                **kw,
            )
        ]

    return {
        "accept_on_cycle": {"covers": ["accept"], "accounts": ["plain"], "sets": one("plain", 1)},
        "r1_budget_no_balance_due": {"covers": ["R1"], "accounts": ["budget_credit"], "sets": one("budget_credit", 2)},
        "r2_budget_balance_due": {"covers": ["R1", "R2"], "accounts": ["budget_due"], "sets": one("budget_due", 3)},
        "r3_arrears_sbo_rejected": {"covers": ["R3", "A13"], "accounts": ["arrears"], "sets": one("arrears", 4)},
        "r3_arrears_dual_accepted": {
            "covers": ["R3"],
            "accounts": ["arrears"],
            "sets": one("arrears", 5, blt="DUAL", pc="DUAL"),
        },
        "r4_summary_billing": {"covers": ["R4"], "accounts": ["summary"], "sets": one("summary", 6)},
        "r5_gas_split": {"covers": ["R5", "D5"], "accounts": ["gas"], "sets": one("gas", 7)},
        "r6_direct_pay_moves": {
            "covers": ["R5", "R6", "D5"],
            "accounts": ["gas_direct_pay"],
            "sets": one("gas_direct_pay", 8),
        },
        "r7_off_cycle": {
            "covers": ["R7", "D3"],
            "accounts": ["off_cycle"],
            "sets": one("off_cycle", 9, start=OFF_CYCLE_DATE),
            "close": {"group": 7, "date": GROUP7_DECEMBER_READ.isoformat()},
        },
        "all_side_effects": {
            "covers": ["R1", "R2", "R4", "R5", "R6", "D4"],
            "accounts": ["everything"],
            "sets": one("everything", 10),
        },
        "a76_account_not_found": {
            "covers": ["A76"],
            "accounts": ["plain"],
            "sets": [request("0001", f"{p}11", "1999999999", res_account="PP-000011")],
        },
        "008_account_not_active": {"covers": ["008"], "accounts": ["final"], "sets": one("final", 12)},
        "und_supplier_unknown": {"covers": ["UND"], "accounts": ["plain"], "sets": one("plain", 13, supplier=UNKNOWN)},
        "api_information_missing": {"covers": ["API"], "accounts": ["plain"], "sets": one("plain", 14, blt=None)},
        "abn_duplicate_request": {
            "covers": ["ABN"],
            "accounts": ["plain", "dual_ok"],
            "sets": [*one("plain", 15), request("0002", f"{p}15", number("dual_ok"), blt="DUAL", pc="DUAL")],
        },
        "div_date_too_far": {
            "covers": ["DIV"],
            "accounts": ["plain"],
            "sets": one("plain", 16, start=AS_OF + timedelta(days=46)),
        },
        "frb_wrong_billing_option": {"covers": ["FRB"], "accounts": ["plain"], "sets": one("plain", 17, pc="LDC")},
        "frb_supplier_does_not_offer_sbo": {
            "covers": ["FRB"],
            "accounts": ["plain"],
            "sets": one("plain", 18, supplier=LAKESIDE),
        },
        "nfi_not_first_in": {"covers": ["NFI"], "accounts": ["pending"], "sets": one("pending", 19)},
        "n1_8s_names_another_utility": {  # guide section 10: the Texas request re-addressed to our ISA ID
            "covers": ["A13", "N1*8S"],
            "accounts": ["plain"],
            "sets": [
                [
                    seg.replace(f"N1*8S*{UTILITY[0]}*1*{UTILITY[1]}~", "N1*8S*SHARYLAND*1*1052623364500~")
                    for seg in one("plain", 21)[0]
                ]
            ],
        },
        "hu_request_answered_867": {  # D12: released usage goes out as an 867 HU, one PTD*BQ per bill period
            "covers": ["867 HU", "LIN05 HU", "D12"],
            "accounts": ["usage_released"],
            "sets": [usage_request(one("usage_released", 22)[0], "HU")],
        },
        "hu_request_not_released_hur": {  # D12: the customer has not released usage: REF*1P*HUR, no 867
            "covers": ["HUR", "LIN05 HU", "D12"],
            "accounts": ["plain"],
            "sets": [usage_request(one("plain", 28)[0], "HU")],
        },
        "hu_request_no_usage_huu": {  # D12: released, but the store holds no bill for the point: HUU
            "covers": ["HUU", "LIN05 HU", "D12"],
            "accounts": ["usage_none"],
            "sets": [usage_request(one("usage_none", 29)[0], "HU")],
        },
        "hi_request_answered_hiu": {  # D12: interval history is not sent: HIU
            "covers": ["HIU", "LIN05 HI", "D12"],
            "accounts": ["usage_released"],
            "sets": [usage_request(one("usage_released", 30)[0], "HI")],
        },
        "drop_accepted_sbo_ends": {  # D8: the serving RES ends service at the next read; SBO ends with it
            "covers": ["drop", "D8"],
            "accounts": ["served_sbo"],
            "sets": one("served_sbo", 23, blt=None, pc=None, asi="ASI*7*024"),
        },
        "drop_not_served_rejected": {  # D8: a RES cannot drop an account it does not serve
            "covers": ["drop", "D8", "A13"],
            "accounts": ["plain"],
            "sets": one("plain", 24, blt=None, pc=None, asi="ASI*7*024"),
        },
        "switch_drop_notice_to_old_supplier": {  # D9: Lakeside takes Prairie's SBO account; Prairie is told
            "covers": ["switch", "D9", "drop notice"],
            "accounts": ["served_sbo"],
            "sender": LAKESIDE,
            "sets": one("served_sbo", 25, supplier=LAKESIDE, blt="DUAL", pc="DUAL"),
        },
        "cancel_pending_enrollment": {  # D10: the RES withdraws its own enrollment before it takes effect
            "covers": ["cancel", "D10"],
            "accounts": ["dual_ok"],
            "sets": [
                *one("dual_ok", 26, blt="DUAL", pc="DUAL"),
                [
                    seg.replace("ST*814*0001~", "ST*814*0002~")
                    .replace("SE*12*0001~", "SE*12*0002~")
                    .replace(f"BGN*13*{p}26*20261102~", f"BGN*01*{p}27*20261102***{p}26~")
                    for seg in one("dual_ok", 26, blt="DUAL", pc="DUAL")[0]
                ],
            ],
        },
        "change_to_sbo_budget_removed": {  # D11: a DUAL account changed to SBO is an SBO request (R1, R2)
            "covers": ["change", "D11", "R1", "R2"],
            "accounts": ["budget_due"],
            "sets": [
                *one("budget_due", 28, blt="DUAL", pc="DUAL"),
                [
                    seg.replace("ST*814*0001~", "ST*814*0002~")
                    .replace("SE*12*0001~", "SE*14*0002~")
                    .replace(f"BGN*13*{p}28*", f"BGN*13*{p}29*")
                    .replace("ASI*7*021~", "ASI*7*001~")
                    .replace("REF*PC*DUAL~", "REF*PC*DUAL~\nREF*TD*REFBLT~\nREF*TD*REFPC~")
                    for seg in one("budget_due", 28)[0]
                ],
            ],
        },
        "final_notice_to_supplier": {  # D9: the account finals after the replay; its RES is told
            "covers": ["final", "D9", "drop notice"],
            "accounts": ["served_sbo"],
            "sets": [],
            "steps": [{"final": {"account": "1000000013", "date": "2026-11-20"}, "now": "2026-11-03T08:00"}],
        },
        "several_reasons": {
            "covers": ["008", "FRB", "DIV"],
            "accounts": ["final"],
            "sets": one("final", 20, pc="LDC", start=AS_OF + timedelta(days=60)),
        },
    }


# -- the billing run (issue 4) ----------------------------------------------------------------------------
GROUP7_READS = [business_days(y, m)[6] for y, m in ((2026, 11), (2026, 12), (2027, 1))]
PERIOD_1 = (GROUP7_READS[0], GROUP7_READS[1])  # 2026-11-10 .. 2026-12-09
PERIOD_2 = (GROUP7_READS[1], GROUP7_READS[2])  # 2026-12-09 .. 2027-01-12
GAS_SPLIT_NUMBER = "5000000000"  # the first number of the D5 sequence in a fresh store


def bill(
    number: str, period: tuple[date, date], points: list[tuple[str, str, int]], *, bump: str = "0.00"
) -> dict[str, Any]:
    """One account's bill: per service point (id, EL/GAS, usage) a customer charge, a usage charge and two taxes."""
    out = []
    for sp_id, commodity, usage in points:
        if commodity == "EL":
            rate, unit, code, name = Decimal("0.04321"), "KH", "DDC001", "DISTRIBUTION DELIVERY CHARGE"
        else:
            rate, unit, code, name = Decimal("0.31870"), "EA", "GDC001", "GAS DELIVERY CHARGE"
        usage_charge = (rate * usage).quantize(Decimal("0.01")) + Decimal(bump)
        customer = Decimal("15.50") if commodity == "EL" else Decimal("21.25")
        base = customer + usage_charge
        lines = [
            {
                "kind": "charge",
                "code": "CSC001",
                "description": "CUSTOMER CHARGE",
                "rate": str(customer),
                "quantity": "1",
                "unit": "MO",
                "amount": str(customer),
                "print_order": 1,
            },
            {
                "kind": "charge",
                "code": code,
                "description": name,
                "rate": str(rate),
                "quantity": str(usage),
                "unit": unit,
                "amount": str(usage_charge),
                "print_order": 2,
            },
            {
                "kind": "tax",
                "code": "TAX001",
                "description": "ILLINOIS ELECTRICITY EXCISE TAX",
                "rate": "0.032",
                "amount": str((base * Decimal("0.032")).quantize(Decimal("0.01"))),
                "print_order": 8,
                "tax_type": "ST",
            },
            {
                "kind": "tax",
                "code": "TAX002",
                "description": "MUNICIPAL UTILITY TAX",
                "rate": "0.05",
                "amount": str((base * Decimal("0.05")).quantize(Decimal("0.01"))),
                "print_order": 9,
                "tax_type": "LS",
            },
        ]
        usage_key = "kwh" if commodity == "EL" else "therms"
        out.append({"id": sp_id, usage_key: str(usage), "lines": lines})
    return {
        "account": number,
        "bill_group": 7,
        "period_start": period[0].isoformat(),
        "period_end": period[1].isoformat(),
        "service_points": out,
    }


def electric(key: str) -> tuple[str, str, int]:
    """The account's electric service point with a usage of its own."""
    number = str(ACCOUNTS[key]["number"])
    return (f"E{number[-6:]}", "EL", 500 + int(number[-2:]) * 37)


def billing_run(period: tuple[date, date], keys: list[str]) -> list[dict[str, Any]]:
    """The group 7 bills of ``keys`` for ``period`` (gas split accounts included)."""
    lines = [bill(str(ACCOUNTS[k]["number"]), period, [electric(k)]) for k in keys]
    if "gas" in keys:
        lines.append(bill(GAS_SPLIT_NUMBER, period, [("G000006", "GAS", 88)]))
    return lines


def numbered(sets: list[list[str]]) -> list[list[str]]:
    """Sets built one at a time (each ST02 0001) numbered 0001, 0002, ... in their group."""
    out = []
    for n, segments in enumerate(sets, start=1):
        out.append([re.sub(r"^(ST\*814\*|SE\*\d+\*)0001~", rf"\g<1>{n:04d}~", x) for x in segments])
    return out


def sbo_total(key: str, period: tuple[date, date]) -> Decimal:
    """What the 810 of ``key``'s period charges (TDS): every line of its electric point."""
    (line,) = billing_run(period, [key])
    return sum((Decimal(x["amount"]) for sp in line["service_points"] for x in sp["lines"]), Decimal("0.00"))


def remittance(control: int, trace: str, lines: list[tuple[str, Decimal]], *, total: Decimal | None = None,
               payer: tuple[str, str] = PRAIRIE, sender: tuple[str, str] = PRAIRIE) -> str:  # fmt: skip
    """An 820 (guide section 11): BPR with the total (the lines' sum unless given), TRN, payer and payee, RMR*IV."""
    amount = total if total is not None else sum((a for _, a in lines), Decimal("0.00"))
    body = [
        f"BPR*C*{amount}*C*ACH*CTX*01*071000013*DA*123456789*1222222222**01*081000032*DA*987654321*20261228",
        f"TRN*1*{trace}",
        f"N1*PR*{payer[0]}*1*{payer[1]}",
        f"N1*PE*{UTILITY[0]}*1*{UTILITY[1]}",
        "ENT*1",
    ]
    for invoice, paid in lines:
        body.append(f"RMR*IV*{invoice}*PO*{paid}")
    segments = ["ST*820*0001~", *(b + "~" for b in body), f"SE*{len(body) + 2}*0001~"]
    return "\n".join([isa(control, sender[1]), f"GS*RA*{sender[1]}*{UTILITY[1]}*20261228*0900*{control}*X*004010~",
                      *segments, f"GE*1*{control}~", f"IEA*1*{control:09d}~"]) + "\n"  # fmt: skip


def advice(control: int, reference: str, account: str, items: list[tuple[str, str, str, str]],
           sender: tuple[str, str] = PRAIRIE) -> str:  # fmt: skip
    """An 824 (guide section 11): per item OTI01, the key of our set, and a TED reason (code, text) or none."""
    body = [f"BGN*00*{reference}*20261215", f"N1*8S*{UTILITY[0]}*1*{UTILITY[1]}", f"N1*SJ*{sender[0]}*1*{sender[1]}",
            f"REF*12*{account}"]  # fmt: skip
    for verdict, key, code, text in items:
        body.append(f"OTI*{verdict}*TN*{key}*******810")
        if code:
            body.append(f"TED*{code}*{text}")
    segments = ["ST*824*0001~", *(b + "~" for b in body), f"SE*{len(body) + 2}*0001~"]
    return "\n".join([isa(control, sender[1]), f"GS*AG*{sender[1]}*{UTILITY[1]}*20261215*0900*{control}*X*004010~",
                      *segments, f"GE*1*{control}~", f"IEA*1*{control:09d}~"]) + "\n"  # fmt: skip


def invoice_step(period: tuple[date, date], when: str) -> dict[str, Any]:
    return {"invoice": {"group": 7, "period": f"{period[0]}:{period[1]}"}, "now": when}


def invoice_cases() -> dict[str, dict[str, Any]]:
    """Issue 4's golden cases: each enrols, imports the billing run and invoices."""
    p1_import = {"bills_import": "in/bills_p1.jsonl", "now": f"{PERIOD_1[1]}T20:00"}
    p2_import = {"bills_import": "in/bills_p2.jsonl", "now": f"{PERIOD_2[1]}T20:00"}
    p1_invoice, p2_invoice = (
        invoice_step(PERIOD_1, f"{PERIOD_1[1] + timedelta(days=1)}T06:00"),
        invoice_step(PERIOD_2, f"{PERIOD_2[1] + timedelta(days=1)}T06:00"),
    )

    def enrol(key: str, n: int, **kw: Any) -> list[list[str]]:
        return [
            request(
                "0001",
                f"RES2026110230{n:02d}",
                number(key),
                name=ACCOUNTS[key]["customer"]["name"],
                res_account=f"PP-3{n:05d}",
                **kw,
            )
        ]

    corrected = [bill(number("plain"), PERIOD_1, [electric("plain")], bump="4.10")]
    return {
        "invoice_plain_sbo_with_taxes": {
            "covers": ["810", "taxes"],
            "accounts": ["plain"],
            "sets": enrol("plain", 1),
            "files": {"bills_p1.jsonl": billing_run(PERIOD_1, ["plain"])},
            "steps": [p1_import, p1_invoice],
        },
        "invoice_budget_balance_never_in_810": {
            "covers": ["810", "R2", "D6"],
            "accounts": ["budget_due"],
            "sets": enrol("budget_due", 2),
            "files": {"bills_p1.jsonl": billing_run(PERIOD_1, ["budget_due"])},
            "steps": [p1_import, p1_invoice],
        },
        "invoice_off_cycle_dual_then_sbo": {
            "covers": ["810", "R7", "D3"],
            "accounts": ["off_cycle"],
            "sets": enrol("off_cycle", 3, start=OFF_CYCLE_DATE),
            "files": {
                "bills_p1.jsonl": billing_run(PERIOD_1, ["off_cycle"]),
                "bills_p2.jsonl": billing_run(PERIOD_2, ["off_cycle"]),
            },
            "steps": [
                p1_import,
                p1_invoice,
                {"cycle_close": {"group": 7, "date": PERIOD_1[1].isoformat()}, "now": f"{PERIOD_1[1]}T18:00"},
                p2_import,
                p2_invoice,
            ],
        },
        "invoice_split_gas_never_in_810": {
            "covers": ["810", "R5"],
            "accounts": ["gas"],
            "sets": enrol("gas", 4),
            "files": {"bills_p1.jsonl": billing_run(PERIOD_1, ["gas"])},
            "steps": [p1_import, p1_invoice],
        },
        "remittance_820_pays_two_of_three": {  # D13: two 810s paid, one unknown line; only the third stays open
            "covers": ["820", "D13", "D6", "paid", "unknown"],
            "accounts": ["plain", "budget_credit", "summary"],
            "sets": numbered([*enrol("plain", 6), *enrol("budget_credit", 7), *enrol("summary", 8)]),
            "files": {
                "bills_p1.jsonl": billing_run(PERIOD_1, ["plain", "budget_credit", "summary"]),
                "bills_p2.jsonl": billing_run(PERIOD_2, ["plain", "budget_credit", "summary"]),
            },
            "x12_files": {
                "remit.edi": remittance(
                    2001,
                    "TRACE0001",
                    [
                        ("AIC0000000001", sbo_total("plain", PERIOD_1)),
                        ("AIC0000000002", sbo_total("budget_credit", PERIOD_1)),
                        ("AIC0000009999", Decimal("10.00")),
                    ],
                ),  # fmt: skip
                "again.edi": remittance(2002, "TRACE0001", [("AIC0000000003", Decimal("5.00"))]),
            },
            "steps": [
                p1_import,
                p1_invoice,
                {"replay": "in/remit.edi", "now": "2026-12-28T09:00", "as_of": "2026-12-28"},
                {"replay": "in/again.edi", "now": "2026-12-28T09:05", "as_of": "2026-12-28"},  # same TRN02: nothing
                p2_import,
                p2_invoice,
            ],
        },
        "remittance_820_short_over_and_bad_total": {  # D13: short stays open, excess reported, a bad BPR02 refused
            "covers": ["820", "D13", "short", "over", "total mismatch"],
            "accounts": ["plain", "budget_credit"],
            "sets": numbered([*enrol("plain", 9), *enrol("budget_credit", 10)]),
            "files": {
                "bills_p1.jsonl": billing_run(PERIOD_1, ["plain", "budget_credit"]),
                "bills_p2.jsonl": billing_run(PERIOD_2, ["plain", "budget_credit"]),
            },
            "x12_files": {
                "bad.edi": remittance(2003, "TRACE0002", [("AIC0000000001", Decimal("1.00"))], total=Decimal("2.00")),
                "remit.edi": remittance(
                    2004,
                    "TRACE0003",
                    [("AIC0000000001", Decimal("20.00")), ("AIC0000000002", sbo_total("budget_credit", PERIOD_1) + 7)],
                ),  # fmt: skip
            },
            "steps": [
                p1_import,
                p1_invoice,
                {"replay": "in/bad.edi", "now": "2026-12-28T09:00", "as_of": "2026-12-28"},
                {"replay": "in/remit.edi", "now": "2026-12-28T09:05", "as_of": "2026-12-28"},
                p2_import,
                p2_invoice,
            ],
        },
        "usage_867_final_read": {  # D15: the account finals inside the period: the RES's last 867 says BPT07 F
            "covers": ["867", "D15", "final"],
            "accounts": ["served_sbo"],
            "sets": [usage_request(enrol("served_sbo", 13)[0], "HU")],
            "files": {"bills_p1.jsonl": billing_run(PERIOD_1, ["served_sbo"])},
            "steps": [
                {"final": {"account": number("served_sbo"), "date": "2026-11-20"}, "now": "2026-11-20T08:00"},
                p1_import,
                p1_invoice,
            ],
        },
        "advice_824_reject_then_rebill": {  # D14: an 824 flags the 810, money unchanged; the rebill carries the fix
            "covers": ["824", "D14", "reject", "rebill"],
            "accounts": ["plain"],
            "sets": enrol("plain", 11),
            "files": {"bills_p1.jsonl": billing_run(PERIOD_1, ["plain"]), "bills_p1_fixed.jsonl": corrected},
            "x12_files": {
                "reject.edi": advice(
                    3001,
                    "ADV0001",
                    number("plain"),
                    [
                        ("TR", "AIC0000000001", "A13", "USAGE CHARGE DOES NOT MATCH THE 867"),
                        ("TR", "AIC0000009999", "A76", "ACCOUNT NOT FOUND"),
                    ],
                ),  # fmt: skip
                "again.edi": advice(
                    3002,
                    "ADV0002",
                    number("plain"),
                    [("TR", "AIC0000000001", "A13", "USAGE CHARGE DOES NOT MATCH THE 867")],
                ),  # fmt: skip
            },
            "steps": [
                p1_import,
                p1_invoice,
                {"replay": "in/reject.edi", "now": "2026-12-15T09:00", "as_of": "2026-12-15"},
                {"replay": "in/again.edi", "now": "2026-12-15T09:05", "as_of": "2026-12-15"},  # D16: nothing new
                {"bills_import": "in/bills_p1_fixed.jsonl", "now": "2026-12-16T20:00"},
                invoice_step(PERIOD_1, "2026-12-17T06:00"),
            ],
        },
        "advice_824_accept_closes_the_flag": {  # D14: a later OTI*TA closes an open flag
            "covers": ["824", "D14", "accept"],
            "accounts": ["plain"],
            "sets": enrol("plain", 12),
            "files": {"bills_p1.jsonl": billing_run(PERIOD_1, ["plain"])},
            "x12_files": {
                "reject.edi": advice(3003, "ADV0003", number("plain"), [("TE", "AIC0000000001", "A13", "LATE")]),
                "accept.edi": advice(3004, "ADV0004", number("plain"), [("TA", "AIC0000000001", "", "")]),
            },
            "steps": [
                p1_import,
                p1_invoice,
                {"replay": "in/reject.edi", "now": "2026-12-15T09:00", "as_of": "2026-12-15"},
                {"replay": "in/accept.edi", "now": "2026-12-16T09:00", "as_of": "2026-12-16"},
            ],
        },
        "invoice_unpaid_prior_sbo_amount": {
            "covers": ["810", "D6"],
            "accounts": ["plain"],
            "sets": enrol("plain", 5),
            "files": {
                "bills_p1.jsonl": billing_run(PERIOD_1, ["plain"]),
                "bills_p2.jsonl": billing_run(PERIOD_2, ["plain"]),
                "payments.jsonl": [{"invoice": "AIC0000000001", "amount": "20.00", "paid_on": "2026-12-20"}],
            },
            "steps": [
                p1_import,
                p1_invoice,
                {"res_payments_import": "in/payments.jsonl", "now": "2026-12-21T06:00"},
                p2_import,
                p2_invoice,
            ],
        },
        "invoice_cancel_and_rebill": {
            "covers": ["810", "cancel", "rebill"],
            "accounts": ["plain"],
            "sets": enrol("plain", 6),
            "files": {"bills_p1.jsonl": billing_run(PERIOD_1, ["plain"]), "bills_p1_corrected.jsonl": corrected},
            "steps": [
                p1_import,
                p1_invoice,
                p1_invoice,
                {"bills_import": "in/bills_p1_corrected.jsonl", "now": "2026-12-14T08:00"},
                invoice_step(PERIOD_1, "2026-12-14T09:00"),
            ],
        },
    }


def write_jsonl(path: Path, lines: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines), encoding="utf-8")


def demo_change_and_cancel(before: int) -> list[list[str]]:
    """The demo's change to SBO (D11, with a budget plan: R1, R2) and its cancel of Prairie's first enrollment (D10)."""
    n = before + 1
    change = request(f"{n:04d}", f"RES2026110210{n:02d}", number("served_dual"), asi="ASI*7*001",
                     res_account="PP-000915")  # fmt: skip
    change[-1:-1] = ["REF*TD*REFBLT~", "REF*TD*REFPC~"]
    change[-1] = f"SE*{len(change)}*{n:04d}~"
    n += 1
    cancel = [
        segment.replace(
            f"BGN*13*RES2026110210{n:02d}*20261102~", f"BGN*01*RES2026110210{n:02d}*20261102***RES202611021001~"
        )  # fmt: skip
        for segment in request(f"{n:04d}", f"RES2026110210{n:02d}", number("plain"), res_account="PP-100001")
    ]
    return [change, cancel]


def main() -> None:
    """Write everything."""
    write_jsonl(EXAMPLE / "suppliers.jsonl", SUPPLIERS)
    write_jsonl(EXAMPLE / "calendar.jsonl", calendar_lines())
    write_jsonl(EXAMPLE / "accounts.jsonl", list(ACCOUNTS.values()))
    run_keys = [k for k, a in ACCOUNTS.items() if a["bill_group"] == 7]
    write_jsonl(EXAMPLE / f"bills.g07.{PERIOD_1[0]}_{PERIOD_1[1]}.jsonl", billing_run(PERIOD_1, run_keys))

    for old in DROP.glob("*.edi"):
        old.unlink()
    sets = [
        request(
            f"{i + 1:04d}",
            f"RES2026110210{i + 1:02d}",
            number(key),
            name=ACCOUNTS[key]["customer"]["name"],
            res_account=f"PP-1{i + 1:05d}",
            start=OFF_CYCLE_DATE if key == "off_cycle" else None,
        )
        for i, key in enumerate(
            k for k in ACCOUNTS if k not in ("dual_ok", "served_sbo", "served_dual", "usage_released", "usage_none")
        )
    ]
    sets.append(
        request(
            f"{len(sets) + 1:04d}",
            f"RES2026110210{len(sets) + 1:02d}",
            number("served_sbo"),
            blt=None,
            pc=None,
            asi="ASI*7*024",
            res_account="PP-000900",
        )
    )  # D8: the demo's drop
    sets += demo_change_and_cancel(len(sets))
    (DROP / "prairie_power_20261102_01.edi").write_text(interchange(201, sets), encoding="ascii")
    dual = [
        request(
            "0001", "LK20261102001", number("dual_ok"), supplier=LAKESIDE, blt="DUAL", pc="DUAL", res_account="LK-77"
        )
    ]
    (DROP / "lakeside_energy_20261102_01.edi").write_text(
        interchange(301, dual, sender=LAKESIDE, ack="1"), encoding="ascii"
    )
    bad_code = request("0001", "RES2026110299", number("plain"), blt="XYZ")  # 997 AK5 R: not a BLT code
    (DROP / "prairie_power_20261102_02.edi").write_text(interchange(202, [bad_code]), encoding="ascii")
    truncated = interchange(203, [request("0001", "RES2026110298", number("plain"))]).splitlines()[:-1]
    (DROP / "prairie_power_20261102_03.edi").write_text("\n".join(truncated) + "\n", encoding="ascii")

    if CASES.exists():
        for folder in (p for p in CASES.iterdir() if p.is_dir() and p.name != "reference"):
            for stale in ("case.json", "accounts.jsonl", "in", "expected"):
                target = folder / stale
                if target.is_dir():
                    shutil.rmtree(target)
                elif target.exists():
                    target.unlink()
    for name, case in {**cases(), **invoice_cases()}.items():
        folder = CASES / name
        (folder / "in").mkdir(parents=True, exist_ok=True)
        steps: list[dict[str, Any]] = [{"replay": "in/request.edi", "now": NOW, "as_of": AS_OF.isoformat()}]
        if "close" in case:
            steps.append({"cycle_close": case["close"], "now": f"{case['close']['date']}T18:00"})
        steps += case.get("steps", [])
        for file_name, lines in case.get("files", {}).items():
            write_jsonl(folder / "in" / file_name, lines)
        for file_name, text in case.get("x12_files", {}).items():
            (folder / "in" / file_name).write_text(text, encoding="ascii")
        meta = {"description": name.replace("_", " "), "covers": case["covers"], "steps": steps}
        (folder / "case.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        write_jsonl(folder / "accounts.jsonl", [ACCOUNTS[key] for key in case["accounts"]])
        sender = case.get("sender", PRAIRIE)
        (folder / "in" / "request.edi").write_text(interchange(1000 + len(name), case["sets"], sender=sender),
                                                   encoding="ascii")  # fmt: skip
    envelope_cases()
    for name in ("suppliers.jsonl", "calendar.jsonl"):  # the suite's and partner mode's own reference data
        for folder in (CASES / "reference", PACKAGED_REFERENCE):
            folder.mkdir(exist_ok=True)
            shutil.copyfile(EXAMPLE / name, folder / name)


def envelope_cases() -> None:
    """One conformance case per bad X12 fixture: every envelope, group, set, segment and element error class."""
    for path in sorted((ROOT / "fixtures" / "x12" / "bad").glob("*.edi")):
        folder = CASES / f"envelope_{path.stem}"
        (folder / "in").mkdir(parents=True, exist_ok=True)
        codes = path.with_suffix(".codes").read_text(encoding="ascii").split()
        meta = {
            "description": f"{path.stem.replace('_', ' ')} (fixtures/x12/bad)",
            "covers": sorted(set(codes)) or ["clean"],
            "steps": [{"replay": "in/request.edi", "now": NOW, "as_of": AS_OF.isoformat()}],
        }
        (folder / "case.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        write_jsonl(folder / "accounts.jsonl", [ACCOUNTS["plain"]])
        (folder / "in" / "request.edi").write_bytes(path.read_bytes())


if __name__ == "__main__":
    main()
