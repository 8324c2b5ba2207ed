"""The sbo-edi command line (click): each command a few lines that call a flow, a view or the store."""

from edi.commands import billing, conformance, data, repair, runs, stores
from edi.commands.common import main

__all__ = ["billing", "conformance", "data", "main", "repair", "runs", "stores"]
