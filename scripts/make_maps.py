#!/usr/bin/env python3
"""Write the first drafts of the 867, 820 and 824 maps (guide section 11) in pyx12's XML format.

    python scripts/make_maps.py 867 [820 824]     # writes edi/guides/maps/<set>.4010.IL.xml

The envelope (ISA..ST, SE..IEA) is the 810 map's, with the set's GS01 and ST01; the body comes from the compact
specs below. As with the 814 and 810 maps, the files are then the source: edit code lists in the maps. Each map
must be named in maps.xml to be used. Units (QTY03, MEA04) are the composite C001 of which the guides use only the
first component; the maps read them as that one element (data element 355).
"""

from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
MAPS = ROOT / "edi" / "guides" / "maps"

# An element: (data element, name, usage R/S, codes). A segment: ("seg", tag, name, usage, pos, max_use, elements,
# syntax). A loop: ("loop", xid, name, usage, pos, repeat, children).
E = tuple[str, str, str, tuple[str, ...]]


def el(ele: str, name: str, usage: str = "S", codes: tuple[str, ...] = ()) -> E:
    return (ele, name, usage, codes)


def seg(tag: str, name: str, usage: str, pos: str, max_use: str, elements: list[E], syntax: str = "") -> tuple:
    return ("seg", tag, name, usage, pos, max_use, elements, syntax)


def loop(xid: str, name: str, usage: str, pos: str, repeat: str, children: list[tuple]) -> tuple:
    return ("loop", xid, name, usage, pos, repeat, children)


def ref(qualifier: str, name: str, usage: str, pos: str) -> tuple:
    return seg("REF", f"{name} (REF*{qualifier})", usage, pos, "1",
               [el("128", "Reference Identification Qualifier", "R", (qualifier,)),
                el("127", "Reference Identification", "R")])  # fmt: skip


def dtm(qualifier: str, name: str, pos: str, usage: str = "S") -> tuple:
    return seg("DTM", f"{name} (DTM*{qualifier})", usage, pos, "1",
               [el("374", "Date/Time Qualifier", "R", (qualifier,)), el("373", "Date", "R")])  # fmt: skip


def party(code: str, name: str, usage: str, pos: str, qualifiers: tuple[str, ...] = ("1", "9")) -> tuple:
    n1 = seg("N1", f"{name} (N1*{code})", usage, "010", "1",
             [el("98", "Entity Identifier Code", "R", (code,)), el("93", "Name", "R"),
              el("66", "Identification Code Qualifier", "S", qualifiers), el("67", "Identification Code", "S"),
              el("706", "Entity Relationship Code", "S"), el("98", "Entity Identifier Code", "S", ("40", "41"))],
             "P0304")  # fmt: skip
    return loop(f"N1_{code}", name, usage, pos, "1", [n1])


QTY = seg("QTY", "Quantity", "S", "110", "2",
          [el("673", "Quantity Qualifier", "R", ("QD",)), el("380", "Quantity", "R"),
           el("355", "Unit or Basis for Measurement Code", "R", ("KH", "K1"))])  # fmt: skip
MEA = seg("MEA", "Meter Reading", "S", "160", "2",
          [el("737", "Measurement Reference ID Code", "S"),
           el("738", "Measurement Qualifier", "R", ("PRQ",)), el("739", "Measurement Value", "R"),
           el("355", "Unit or Basis for Measurement Code", "R", ("KH", "K1")),
           el("740", "Beginning Reading", "S"), el("741", "Ending Reading", "S"),
           el("935", "Measurement Significance Code", "S", ("51",))])  # fmt: skip


def ptd(code: str, name: str, children: list[tuple]) -> tuple:
    head = seg("PTD", f"{name} (PTD*{code})", "R", "010", "1",
               [el("521", "Product Transfer Type Code", "R", (code,))])  # fmt: skip
    return loop(f"PTD_{code}", name, "S", "010", ">1", [head, *children])


RMR = seg("RMR", "Remittance Advice Accounts Receivable Open Item Reference", "R", "150", "1",
          [el("128", "Reference Identification Qualifier", "R", ("IV",)), el("127", "Invoice Number (our BIG02)", "R"),
           el("482", "Payment Action Code", "S", ("PO", "PI", "PA")), el("782", "Amount Paid", "R"),
           el("782", "Invoice Amount", "S"), el("782", "Discount Amount", "S")])  # fmt: skip
ADX = seg("ADX", "Adjustment", "S", "210", "1",
          [el("782", "Adjustment Amount", "R"), el("426", "Adjustment Reason Code", "R")])  # fmt: skip

SPECS: dict[str, dict[str, object]] = {
    "867": {
        "gs01": "PT",
        "name": "Illinois 867 Product Transfer and Resale Report (usage: monthly and historical, utility to RES)",
        "header": [
            seg(
                "BPT",
                "Beginning Segment for Product Transfer and Resale",
                "R",
                "020",
                "1",
                [
                    el("353", "Transaction Set Purpose Code", "R", ("00", "01", "52")),
                    el("127", "Reference Identification", "R"),
                    el("373", "Date", "R"),
                    el("755", "Report Type Code", "R", ("C1",)),
                    el("648", "Price Multiplier Qualifier"),
                    el("649", "Multiplier"),
                    el("306", "Action Code", "S", ("F",)),
                ],
            ),  # fmt: skip
            ref("12", "Utility Account Number", "R", "050"),
            ref("11", "RES Account Number", "S", "050"),
            ref("NH", "Rate Class", "S", "050"),
            ref("BLT", "Billing Type", "S", "050"),
            ref("PC", "Bill Calculator", "S", "050"),
            ref("SPL", "Rate Zone", "S", "050"),
            party("8S", "Utility", "R", "100", ("1", "9")),
            party("SJ", "Retail Electric Supplier", "R", "100"),
            party("8R", "Customer", "S", "100", ("1", "9")),
        ],
        "detail": [
            ptd(
                "SU",
                "Service Point Summary",
                [dtm("150", "Service Period Start", "020"), dtm("151", "Service Period End", "020"), QTY],
            ),  # fmt: skip
            ptd(
                "PM",
                "Meter",
                [
                    dtm("150", "Service Period Start", "020"),
                    dtm("151", "Service Period End", "020"),
                    ref("MG", "Meter Number", "S", "030"),
                    QTY,
                    MEA,
                ],
            ),  # fmt: skip
            ptd(
                "BQ",
                "Historical Usage Period",
                [dtm("150", "Service Period Start", "020"), dtm("151", "Service Period End", "020"), QTY],
            ),  # fmt: skip
        ],
    },
    "824": {
        "gs01": "AG",
        "name": "Illinois 824 Application Advice (a RES accepting or rejecting our 810, 867 or 820)",
        "header": [
            seg(
                "BGN",
                "Beginning Segment",
                "R",
                "020",
                "1",
                [
                    el("353", "Transaction Set Purpose Code", "R", ("00",)),
                    el("127", "Reference Identification", "R"),
                    el("373", "Date", "R"),
                ],
            ),  # fmt: skip
            party("8S", "Utility", "S", "030", ("1", "9")),
            party("SJ", "Retail Electric Supplier", "R", "030"),
            party("8R", "Customer", "S", "030", ("1", "9")),
            ref("12", "Utility Account Number", "S", "050"),
            ref("11", "RES Account Number", "S", "050"),
        ],
        "detail": [
            loop(
                "OTI",
                "Original Transaction Identification",
                "R",
                "010",
                ">1",
                [
                    seg(
                        "OTI",
                        "Original Transaction Identification",
                        "R",
                        "010",
                        "1",
                        [
                            el("110", "Application Acknowledgment Code", "R", ("TA", "TE", "TR", "IR")),
                            el("128", "Reference Identification Qualifier", "R", ("TN",)),
                            el("127", "Reference Identification (our BIG02, BPT02 or TRN02)", "R"),
                            el("142", "Application Sender's Code"),
                            el("124", "Application Receiver's Code"),
                            el("373", "Date"),
                            el("337", "Time"),
                            el("28", "Group Control Number"),
                            el("329", "Transaction Set Control Number"),
                            el("143", "Transaction Set Identifier Code", "S", ("810", "867", "820")),
                        ],
                    ),
                    seg(
                        "REF",
                        "Reject Reason (REF*7G)",
                        "S",
                        "020",
                        ">1",
                        [
                            el("128", "Reference Identification Qualifier", "R", ("7G",)),
                            el("127", "Reason Code", "R"),
                            el("352", "Description", "S"),
                        ],
                    ),
                    seg(
                        "TED",
                        "Technical Error Description",
                        "S",
                        "070",
                        ">1",
                        [el("647", "Application Error Condition Code", "R"), el("3", "Free Form Message", "S")],
                    ),
                    seg(
                        "NTE",
                        "Note",
                        "S",
                        "080",
                        ">1",
                        [el("363", "Note Reference Code", "S"), el("352", "Description", "R")],
                    ),
                ],
            ),  # fmt: skip
        ],
    },
    "820": {
        "gs01": "RA",
        "name": "Illinois 820 Payment Order/Remittance Advice (a RES's payment of our 810s, from its bank)",
        "header": [
            seg(
                "BPR",
                "Beginning Segment for Payment Order/Remittance Advice",
                "R",
                "020",
                "1",
                [
                    el("305", "Transaction Handling Code", "R", ("C", "I")),
                    el("782", "Total Payment Amount", "R"),
                    el("478", "Credit/Debit Flag Code", "R", ("C",)),
                    el("591", "Payment Method Code", "R", ("ACH", "FWT", "CHK")),
                    el("812", "Payment Format Code", "S", ("CTX", "CCP")),
                    el("506", "(DFI) ID Number Qualifier"),
                    el("507", "(DFI) Identification Number"),
                    el("569", "Account Number Qualifier"),
                    el("508", "Account Number"),
                    el("509", "Originating Company Identifier"),
                    el("510", "Originating Company Supplemental Code"),
                    el("506", "(DFI) ID Number Qualifier"),
                    el("507", "(DFI) Identification Number"),
                    el("569", "Account Number Qualifier"),
                    el("508", "Account Number"),
                    el("373", "Payment Effective Date", "S"),
                ],
            ),  # fmt: skip
            seg(
                "TRN",
                "Trace",
                "R",
                "035",
                "1",
                [
                    el("481", "Trace Type Code", "R", ("1",)),
                    el("127", "Trace Number (the payer's unique key)", "R"),
                    el("509", "Originating Company Identifier"),
                    el("127", "Reference Identification"),
                ],
            ),  # fmt: skip
            party("PR", "Payer (the RES)", "R", "070"),
            party("PE", "Payee (the utility)", "S", "070"),
        ],
        "detail": [
            loop(
                "ENT",
                "Remittance",
                "R",
                "010",
                ">1",
                [
                    seg("ENT", "Entity", "R", "010", "1", [el("554", "Assigned Number", "R")]),
                    loop(
                        "RMR",
                        "Invoice Paid",
                        "R",
                        "150",
                        ">1",
                        [RMR, ref("12", "Utility Account Number", "S", "170"), ADX],
                    ),
                ],
            ),  # fmt: skip
        ],
    },
}


def _element(tag: str, seq: int, element: E, indent: str) -> list[str]:
    ele, name, usage, codes = element
    out = [f'{indent}<element xid="{tag}{seq:02d}">', f"{indent}  <data_ele>{ele}</data_ele>",
           f"{indent}  <name>{escape(name)}</name>", f"{indent}  <usage>{usage}</usage>",
           f"{indent}  <seq>{seq:02d}</seq>"]  # fmt: skip
    if codes:
        out += [
            f"{indent}  <valid_codes>",
            *(f"{indent}    <code>{c}</code>" for c in codes),
            f"{indent}  </valid_codes>",
        ]
    return [*out, f"{indent}</element>"]


def _node(node: tuple, indent: str) -> list[str]:
    if node[0] == "seg":
        _, tag, name, usage, pos, max_use, elements, syntax = node
        out = [f'{indent}<segment xid="{tag}">', f"{indent}  <name>{escape(name)}</name>",
               f"{indent}  <usage>{usage}</usage>", f"{indent}  <pos>{pos}</pos>", f"{indent}  <max_use>{max_use}</max_use>"]  # fmt: skip
        if syntax:
            out.append(f"{indent}  <syntax>{syntax}</syntax>")
        for seq, element in enumerate(elements, start=1):
            out += _element(tag, seq, element, indent + "  ")
        return [*out, f"{indent}</segment>"]
    _, xid, name, usage, pos, repeat, children = node
    out = [f'{indent}<loop xid="{xid}" type="explicit">', f"{indent}  <name>{escape(name)}</name>",
           f"{indent}  <usage>{usage}</usage>", f"{indent}  <pos>{pos}</pos>",
           f"{indent}  <repeat>{escape(repeat)}</repeat>"]  # fmt: skip
    for child in children:
        out += _node(child, indent + "  ")
    return [*out, f"{indent}</loop>"]


def _wrapper(xid: str, name: str, pos: str, children: list[tuple], indent: str) -> list[str]:
    out = [f'{indent}<loop xid="{xid}" type="wrapper">', f"{indent}  <name>{name}</name>",
           f"{indent}  <usage>R</usage>", f"{indent}  <pos>{pos}</pos>", f"{indent}  <repeat>1</repeat>"]  # fmt: skip
    for child in children:
        out += _node(child, indent + "  ")
    return [*out, f"{indent}</loop>"]


def make(code: str) -> str:
    """The map's whole text: the 810 map's envelope around this set's header and detail."""
    spec = SPECS[code]
    base = (MAPS / "810.4010.IL.xml").read_text(encoding="utf-8")
    head, rest = base.split('        <loop xid="HEADER" type="wrapper">', 1)
    tail = '        <segment xid="SE">' + rest.split('        <segment xid="SE">', 1)[1]
    head = head.replace('<transaction xid="810">', f'<transaction xid="{code}">', 1)
    head = head.replace("<name>Illinois 810 Invoice (Single Bill Option, utility to RES)</name>",
                        f"<name>{escape(str(spec['name']))}</name>", 1)  # fmt: skip
    head = head.replace("<code>IN</code>", f"<code>{spec['gs01']}</code>", 1).replace(
        "<code>810</code>", f"<code>{code}</code>", 1
    )
    body = _wrapper("HEADER", "Table 1 - Header", "010", spec["header"], "        ")  # type: ignore[arg-type]
    body += _wrapper("DETAIL", "Table 2 - Detail", "020", spec["detail"], "        ")  # type: ignore[arg-type]
    return head + "\n".join(body) + "\n" + tail


def main() -> int:
    for code in sys.argv[1:] or sorted(SPECS):
        (MAPS / f"{code}.4010.IL.xml").write_text(make(code), encoding="utf-8")
        print(f"wrote edi/guides/maps/{code}.4010.IL.xml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
