"""The terminal view of one account: the customer-portal facts first, then the processor's timeline."""

from __future__ import annotations

from typing import Any


def _supply_text(entry: dict[str, Any]) -> str:
    supplier = (
        f"{entry.get('supplier_name') or ''} {entry['supplier']}".strip() if entry.get("supplier") else "utility supply"
    )
    since = f" since {entry['since']}" if entry.get("since") else ""
    return f"{entry['billing_type']}/{entry['bill_calculator']} ({supplier}){since}"


def _head(view: dict[str, Any]) -> list[str]:
    c = view["customer"]
    direct_pay = view["direct_pay"]
    lines = [
        f"Account {view['account']}  ({view['status']}, bill group {view['bill_group']})  as of {view['as_of']}",
        f"  customer      {c['name']}, {c['street']}, {c['city']} {c['state']} {c['zip']}".rstrip(", "),
        f"  balance       {view['balance']}  due {view['due_date'] or '-'}",
        f"  past due      {view['past_due_on_date']}"
        + "".join(f"  [{p['amount']} due {p['due_date']}]" for p in view["past_due"]),
        f"  summary       {view['summary_group'] or 'not on summary billing'}",
        f"  Direct Pay    {'on, bank ****' + direct_pay['bank_last4'] if direct_pay['on'] else 'off'}",
    ]
    if view["split_from"]:
        lines.append(f"  split from    {view['split_from']} (gas split, R5)")
    if view["split_to"]:
        lines.append(f"  split to      {', '.join(view['split_to'])} (gas split, R5)")
    return lines


def _service_points(view: dict[str, Any]) -> list[str]:
    lines = ["  service points"]
    for sp in view["service_points"]:
        lines.append(f"    {sp['id']:<10} {sp['commodity']:<3} {sp['rate_class']:<6} meter {sp['meter'] or '-':<10}"
                     f" {_supply_text(sp['current'])}")  # fmt: skip
        lines += [f"    {'':<10} next: {_supply_text(n)} at {n['at']} ({n['kind']})" for n in sp["scheduled"]]
    return lines


def _budget(view: dict[str, Any]) -> list[str]:
    budget = view["budget"]
    if not budget:
        return ["  budget plan   none"]
    state = "active" if budget["active"] else f"ended {budget['ended_on']}"
    lines = [f"  budget plan   {budget['monthly_amount']}/month from {budget['start']}, {state};"
             f" balance due {budget['balance_due']}"]  # fmt: skip
    for p in budget["periods"]:
        lines.append(f"    {p['period_end']}  billed {p['installment_billed']:>8}  paid {p['installment_paid']:>8}"
                     f"  actual {p['actual_charge']:>8}  running {p['running_balance']:>8}")  # fmt: skip
    return lines


def _charges_and_invoices(view: dict[str, Any]) -> list[str]:
    lines = []
    if view["direct_bill_charges"]:
        lines.append("  utility direct bill charges")
        lines += [
            f"    {c['created_on']}  {c['kind']:<20} {c['amount']:>10}  {_billed(c)}"
            for c in view["direct_bill_charges"]
        ]
    if view.get("sbo_invoices"):
        lines.append("  SBO invoices (810) to the RES: delivery charges only")
    for i in view.get("sbo_invoices") or []:
        what = {"00": "rebill" if i["original_number"] else "invoice", "01": "cancel"}.get(i["purpose"], "")
        note = f" of {i['original_number']}" if i["original_number"] else ""
        note += f", cancelled by {i['cancelled_by']}" if i["cancelled_by"] else ""
        lines.append(f"    {i['number']}  {what}{note}  {i['period_start']}..{i['period_end']}"
                     f"  prior due {i['prior_due']}  this period {i['period_total']}")  # fmt: skip
        if i.get("paid"):
            lines.append(f"      paid (D13): {i['paid']}")
        if i.get("flag_824") and not i["cancelled_by"]:
            lines.append(f"      rejected by the RES's 824 (D14): {i['flag_824']}")
    for r in view.get("usage_reports") or []:
        final = ", final read (BPT07 F)" if r["final"] else ""
        lines.append(f"  867 usage sent (D15): {r['sp_id']} {r['period_start']}..{r['period_end']} {r['kwh']} kWh"
                     f" to {r['supplier']}{final} in {r['sent_in'] or '(not yet published)'}")  # fmt: skip
    return lines


def _billed(charge: dict[str, Any]) -> str:
    """Which direct bill carried the charge (exactly one), or that it waits for the next one."""
    return f"on direct bill {charge['billed_in']}" if charge.get("billed_in") else "not billed yet"


def _history(view: dict[str, Any]) -> list[str]:
    lines = ["  last 12 bills"]
    lines += [f"    {b['period_start']}..{b['period_end']}  {b['amount']:>9}  due {b['due_date']}"
              f"  {b['kwh']:>6} kWh  {b['therms']:>5} therms" for b in view["bills"]]  # fmt: skip
    if view["payments"]:
        lines.append("  payments")
        lines.extend(f"    {p['paid_on']}  {p['amount']:>9}  {p['method']}" for p in view["payments"])
    return lines


def _timeline(view: dict[str, Any]) -> list[str]:
    lines = ["  timeline"]
    if not view["timeline"]:
        lines.append("    (nothing changed by the processor)")
    for t in view["timeline"]:
        source = f" BGN02 {t['request_id']} ST02 {t['st02']}" if t.get("request_id") else ""
        lines.append(f"    {t['at']}  [{t['rule']}] {t['event']}{source}")
        details = ", ".join(f"{k}={v}" for k, v in t["detail"].items() if v not in (None, [], ""))
        if details:
            lines.append(f"        {details}")
    return lines


def render_account(view: dict[str, Any]) -> str:
    """Portal facts, service points, budget plan with its running balance, history, direct-bill charges, timeline."""
    parts = (_head, _service_points, _budget, _charges_and_invoices, _history, _timeline)
    return "\n".join(line for part in parts for line in part(view))
