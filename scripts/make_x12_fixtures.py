"""Writes the X12 input fixtures under fixtures/x12 (run from the repo root).

Inputs only: the golden acknowledgments beside them are written by `python scripts/update_goldens.py`
and reviewed by eye before they are committed.
"""

from pathlib import Path

root = Path("fixtures/x12")


def isa(ctrl="000000101", ack="0", usage="P", sender="222222222", receiver="111111111", comp=">"):
    return f"ISA*00*          *00*          *01*{sender:<15}*01*{receiver:<15}*261101*0900*U*00401*{ctrl}*{ack}*{usage}*{comp}~"


def req(
    st02="0001",
    bgn="RES20261101001",
    acct="0123456789",
    blt="ESP",
    pc="DUAL",
    dtm="DTM*150*20261115~",
    name="JANE Q CUSTOMER",
    extra_refs="",
    res_acct="PP-000123",
):
    body = [
        f"BGN*13*{bgn}*20261101",
        "N1*8S*AMEREN ILLINOIS*1*111111111",
        "N1*SJ*PRAIRIE POWER LLC*1*222222222",
        f"N1*8R*{name}",
        "LIN*1*SH*EL*SH*CE",
        "ASI*7*021",
        f"REF*12*{acct}",
        f"REF*11*{res_acct}",
        f"REF*BLT*{blt}",
        f"REF*PC*{pc}",
    ]
    body = [b + "~" for b in body] + ([extra_refs] if extra_refs else []) + ([dtm] if dtm else [])
    segs = [f"ST*814*{st02}~"] + body
    return segs + [f"SE*{sum(x.count('~') for x in segs) + 1}*{st02}~"]


def group(sets, ctrl="101", fic="GE", ver="004010", count=None):
    segs = [f"GS*{fic}*222222222*111111111*20261101*0900*{ctrl}*X*{ver}~"]
    for s in sets:
        segs += s
    return segs + [f"GE*{len(sets) if count is None else count}*{ctrl}~"]


def ic(groups, ctrl="000000101", **kw):
    segs = [isa(ctrl, **kw)]
    for g in groups:
        segs += g
    return segs + [f"IEA*{len(groups)}*{ctrl}~"]


def write(kind, name, segs, nl=True):
    data = ("\n".join(segs) + "\n") if nl else "".join(segs)
    (root / kind / f"{name}.edi").write_bytes(data.encode("latin-1") if isinstance(data, str) else data)


def raw(kind, name, data: bytes):
    (root / kind / f"{name}.edi").write_bytes(data)


# good
write("good", "814_request_sbo", ic([group([req()])]))
write(
    "good",
    "814_request_dual",
    ic([group([req(blt="DUAL", pc="DUAL", bgn="RES20261101002", acct="0123456790")])], ctrl="000000102"),
)
write(
    "good",
    "814_request_ldc_no_date",
    ic([group([req(blt="LDC", pc="LDC", dtm="", bgn="RES20261101003", acct="0123456791")])], ctrl="000000103"),
)
write(
    "good",
    "814_batch_three_sets",
    ic(
        [
            group(
                [
                    req("0001", "RES20261101011", "1000000001"),
                    req("0002", "RES20261101012", "1000000002", blt="DUAL"),
                    req("0003", "RES20261101013", "1000000003", blt="LDC", pc="LDC"),
                ]
            )
        ],
        ctrl="000000104",
    ),
    nl=False,
)
write("good", "814_ack_requested", ic([group([req(bgn="RES20261101004")])], ctrl="000000105", ack="1"))
write(
    "good",
    "814_customer_address",
    ic(
        [group([req(bgn="RES20261101005", name="JOHN PUBLIC~N3*12 MAIN ST~N4*PEORIA*IL*61602~PER*IC**TE*3095551212")])],
        ctrl="000000106",
    ),
)

# bad: envelope (TA1)
write("bad", "isa_iea_control_mismatch", ic([group([req()])])[:-1] + ["IEA*1*000000999~"])
write("bad", "iea_group_count_wrong", ic([group([req()])])[:-1] + ["IEA*2*000000101~"])
write("bad", "truncated_no_iea", ic([group([req()])])[:-1])
write("bad", "truncated_mid_set", ic([group([req()])])[:8])
write(
    "bad",
    "isa_not_106_bytes",
    ["ISA*00*          *00*          *01*222222222*01*111111111      *261101*0900*U*00401*000000101*0*P*>~"]
    + ic([group([req()])])[1:],
)
write("bad", "component_separator_same_as_element", ic([group([req()])], comp="*"))
write("bad", "isa_bad_version", [ic([group([req()])])[0].replace("*00401*", "*00501*")] + ic([group([req()])])[1:])
write("bad", "isa_bad_date", [ic([group([req()])])[0].replace("*261101*", "*261341*")] + ic([group([req()])])[1:])
write("bad", "isa_bad_usage", [ic([group([req()])])[0].replace("*0*P*", "*0*X*")] + ic([group([req()])])[1:])
write("bad", "stray_se_outside_set", ic([group([req()])])[:-2] + ["SE*2*0009~"] + ic([group([req()])])[-2:])
write("bad", "empty", [], nl=False)
raw("bad", "empty", b"")
raw("bad", "binary_garbage", bytes(range(256)) * 4)
raw("bad", "not_x12_text", b"Dear supplier,\nplease find attached our enrollments.\n")
raw("bad", "utf8_bom_then_garbage", b"\xef\xbb\xbfhello world")
# bad: group (AK9)
write("bad", "gs_ge_control_mismatch", ic([group([req()])])[:-2] + ["GE*1*999~", "IEA*1*000000101~"])
write("bad", "ge_set_count_wrong", ic([group([req()], count=3)]))
write("bad", "ge_missing", ic([group([req()])])[:-2] + ["IEA*1*000000101~"])
write("bad", "unsupported_group", ic([group([["ST*850*0001~", "BEG*00*SA*PO1**20261101~", "SE*3*0001~"]], fic="PO")]))
write("bad", "unsupported_version", ic([group([req()], ver="005010")]))
write("bad", "duplicate_gs06", ic([group([req()]), group([req("0002", "RES20261101099")])]))
# bad: set (AK5)
write("bad", "st_se_control_mismatch", ic([group([req()[:-1] + ["SE*13*0002~"]])]))
write("bad", "segment_count_wrong", ic([group([req()[:-1] + ["SE*99*0001~"]])]))
write("bad", "se_missing", ic([group([req()[:-1]])]))
write(
    "bad",
    "unknown_transaction_set",
    ic([group([["ST*850*0001~", "BEG*00*SA*PO1**20261101~", "SE*3*0001~"], req("0002")])]),
)
write("bad", "duplicate_st02", ic([group([req("0001"), req("0001", "RES20261101077")])]))
# bad: segments and elements (AK3/AK4)
write(
    "bad",
    "mandatory_segment_missing",
    ic([group([[s for s in req() if not s.startswith("REF*12")][:-1] + ["SE*12*0001~"]])]),
)
write("bad", "invalid_code", ic([group([req(blt="XYZ")])]))
write("bad", "element_too_long", ic([group([req(res_acct="X" * 61)])]))
write("bad", "invalid_date", ic([group([req(dtm="DTM*150*20261345~")])]))
write("bad", "unknown_segment", ic([group([req()[:-1] + ["ZZZ*1~", "SE*14*0001~"]])]))
write(
    "bad",
    "segment_out_of_order",
    ic(
        [
            group(
                [
                    [s for s in req() if not s.startswith("BGN")][:4]
                    + ["BGN*13*RES20261101001*20261101~"]
                    + [s for s in req() if not s.startswith("BGN")][4:]
                ]
            )
        ]
    ),
)
write("bad", "unknown_ref_qualifier", ic([group([req(extra_refs="REF*ZZ*WHATEVER~")[:-1] + ["SE*14*0001~"]])]))
write("bad", "non_ascii_byte", ic([group([req(name="JOS\xc9 CUSTOMER")])]))
write("bad", "empty_segment_mid_file", ic([group([req()[:5] + ["~"] + req()[5:-1] + ["SE*14*0001~"]])]))
write(
    "bad",
    "too_many_elements",
    ic([group([req(extra_refs="")[:2] + ["N1*8S*AMEREN ILLINOIS*1*111111111**40*X~"] + req()[3:]])]),
)
write("bad", "missing_required_element", ic([group([[s if not s.startswith("ASI") else "ASI*7~" for s in req()]])]))
# mixed: some sets good, one bad (AK9 P); two interchanges, one bad (B11)
write(
    "bad",
    "partial_group",
    ic([group([req("0001"), req("0002", "RES20261101021", blt="XYZ"), req("0003", "RES20261101022")])]),
)
write(
    "bad",
    "two_interchanges_one_bad",
    ic([group([req()])])
    + ic([group([req("0001", "RES20261101031")], ctrl="102")], ctrl="000000102")[:-1]
    + ["IEA*1*000000777~"],
)

# good: the SBO 810 of guide section 5 and an 814 enrollment response (accept)
INVOICE = [
    "ST*810*0001~",
    "BIG*20261203*AIC0000001234~",
    "REF*12*0123456789~",
    "REF*11*PP-000123~",
    "REF*BLT*ESP~",
    "REF*PC*DUAL~",
    "REF*BF*07~",
    "N1*8S*AMEREN ILLINOIS*1*111111111~",
    "N1*SJ*PRAIRIE POWER LLC*1*222222222~",
    "N1*8R*JANE Q CUSTOMER~",
    "BAL*M*J9*0.00~",
    "BAL*M*YB*84.12~",
    "IT1*1*****SV*ELECTRIC~",
    "REF*NH*DS1~",
    "DTM*150*20261101~",
    "DTM*151*20261201~",
    "SLN*1**I~",
    "SAC*C**EU*DLV001*6400****KH*800****1*DELIVERY SERVICE CHARGE~",
    "SLN*2**I~",
    "SAC*C**EU*CUS001*1600********2*CUSTOMER CHARGE~",
    "SLN*3**I~",
    "SAC*N**EU*MSC001*412********3*STATE TAX~",
    "TXI*ST*4.12~",
    "TDS*8412~",
    "CTT*1~",
    "SE*26*0001~",
]
write(
    "good",
    "810_sbo_invoice",
    [
        isa("000000201", sender="111111111", receiver="222222222"),
        "GS*IN*111111111*222222222*20261203*0900*201*X*004010~",
        *INVOICE,
        "GE*1*201~",
        "IEA*1*000000201~",
    ],
)
RESPONSE = [
    "ST*814*0001~",
    "BGN*11*AIC20261101000001*20261101***RES20261101001~",
    "N1*8S*AMEREN ILLINOIS*1*111111111~",
    "N1*SJ*PRAIRIE POWER LLC*1*222222222~",
    "N1*8R*JANE Q CUSTOMER~",
    "LIN*1*SH*EL*SH*CE~",
    "ASI*WQ*021~",
    "REF*12*0123456789~",
    "REF*11*PP-000123~",
    "REF*BLT*ESP~",
    "REF*PC*DUAL~",
    "REF*BF*07~",
    "REF*NH*DS1~",
    "DTM*007*20261203~",
    "SE*15*0001~",
]
write(
    "good",
    "814_response_accept",
    [
        isa("000000202", sender="111111111", receiver="222222222"),
        "GS*GE*111111111*222222222*20261101*0900*202*X*004010~",
        *RESPONSE,
        "GE*1*202~",
        "IEA*1*000000202~",
    ],
)
write(
    "bad",
    "810_bad_amount_and_missing_tds",
    [
        isa("000000203", sender="111111111", receiver="222222222"),
        "GS*IN*111111111*222222222*20261203*0900*203*X*004010~",
        *[s.replace("BAL*M*YB*84.12", "BAL*M*YB*84,12") for s in INVOICE if not s.startswith("TDS")][:-1],
        "SE*25*0001~",
        "GE*1*203~",
        "IEA*1*000000203~",
    ],
)

# good (issue 14): what Illinois partners send today must pass the 997 (guide section 10)
write(
    "good",
    "814_response_n106",
    [
        isa("000000203", sender="111111111", receiver="222222222"),
        "GS*GE*111111111*222222222*20261101*0900*203*X*004010~",
        RESPONSE[0],
        RESPONSE[1],
        "N1*8S*AMEREN ILLINOIS*1*111111111**40~",
        "N1*SJ*PRAIRIE POWER LLC*1*222222222**41~",
        *RESPONSE[4:],
        "GE*1*203~",
        "IEA*1*000000203~",
    ],
)
write(
    "good",
    "814_request_cpwg_fields",
    ic(
        [
            group(
                [
                    req(
                        bgn="RES20261101031",
                        extra_refs="REF*PRT*RESIDENTIAL~\nREF*17*Y~\nREF*DR*N~",
                        dtm="DTM*150*20261115~\nDTM*MRR*20261110~",
                    )
                ]
            )
        ],
        ctrl="000000131",
    ),
)
write(
    "good",
    "814_request_historical_usage",
    ic(
        [group([[s.replace("LIN*1*SH*EL*SH*CE~", "LIN*1*SH*EL*SH*HU~") for s in req(bgn="RES20261101032")]])],
        ctrl="000000132",
    ),
)

# The money loop's sets (issue 25): an 820 and an 824 as partners send them, and our two 867s (guide section 11).
import sys  # noqa: E402
from decimal import Decimal  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.make_example_data import advice, remittance  # noqa: E402

paid = [("AIC0000000001", Decimal("41.88")), ("AIC0000000002", Decimal("45.34"))]
raw("good", "820_remittance", remittance(301, "TRACE301", paid).encode("ascii"))
raw(
    "good",
    "824_reject_810",
    advice(302, "ADV302", "1000000001", [("TR", "AIC0000000001", "A13", "WRONG RATE")]).encode(),
)
cases = Path("fixtures/conformance")
raw("good", "867_monthly_usage", (cases / "invoice_plain_sbo_with_taxes/expected/222222222.000000004.867").read_bytes())
raw("good", "867_historical_usage",
    (cases / "hu_request_answered_867/expected/222222222.000000003.867-hu").read_bytes())  # fmt: skip
