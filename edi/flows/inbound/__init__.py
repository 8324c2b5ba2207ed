"""The inbound engine: one file through the inbound table (a row per ST01, a row per kind), answered and committed.

``engine`` runs a file; ``interchange`` decides and closes one interchange (``ahead`` one decided as it is read);
``reading`` and ``staging`` read and hold sets; ``kinds`` and ``table`` are the inbound table; ``handlers`` decide
the 814 and 997 rows; ``reports`` say what a file produced.
"""

from edi.flows.inbound.engine import FileProcessor
from edi.flows.inbound.kinds import Handled, HandlerContext, KindRow, Parsed, SetRow, Staged, Tables
from edi.flows.inbound.reports import FileRun, TransactionReport
from edi.flows.inbound.settings import RunSettings
from edi.flows.inbound.table import KINDS, SETS, TABLES

__all__ = [
    "KINDS",
    "SETS",
    "TABLES",
    "FileProcessor",
    "FileRun",
    "Handled",
    "HandlerContext",
    "KindRow",
    "Parsed",
    "RunSettings",
    "SetRow",
    "Staged",
    "Tables",
    "TransactionReport",
]
