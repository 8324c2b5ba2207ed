"""Outbound orchestrators: what the utility sends on its own schedule (cycle close, finals, the billing run)."""

from edi.flows.outbound.cycle import CycleClose, close_cycle
from edi.flows.outbound.finals import final
from edi.flows.outbound.invoicing import Invoicer, PeriodError, direct_bills_jsonl, write_direct_bills

__all__ = ["CycleClose", "Invoicer", "PeriodError", "close_cycle", "direct_bills_jsonl", "final", "write_direct_bills"]
