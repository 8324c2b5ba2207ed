"""The orchestrators: one inbound file through its handlers, cycle close, invoicing, one delivery path."""
