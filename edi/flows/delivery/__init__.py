"""Delivery: documents of the outbound table enveloped, stored in the outbox with their cause, written durably.

``outputs`` envelopes and stores a document and publishes the outbox (G1, G2); ``mailbag`` batches what decisions
owe by addressee and kind; ``durable`` is the file system under all of it (temp, fsync, rename, fsync).
"""

from edi.flows.delivery.durable import Disk, ensure_folder, move_durably, open_regular, write_atomically
from edi.flows.delivery.mailbag import Address, Full, Mailbag
from edi.flows.delivery.outputs import (
    DeliveryError,
    Output,
    deliver,
    publish_outbox,
    reply_text,
    send_to_supplier,
    store_output,
    write_outputs,
)

__all__ = [
    "Address",
    "DeliveryError",
    "Disk",
    "Full",
    "Mailbag",
    "Output",
    "deliver",
    "ensure_folder",
    "move_durably",
    "open_regular",
    "publish_outbox",
    "reply_text",
    "send_to_supplier",
    "store_output",
    "write_atomically",
    "write_outputs",
]
