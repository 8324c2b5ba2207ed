"""The orchestrators, in three rooms: ``inbound``, ``outbound`` and ``delivery``.

``inbound`` runs one file through the inbound table; ``outbound`` sends on the utility's own schedule (cycle
close, finals, invoicing); ``delivery`` envelopes the outbound table's documents, stores and writes them durably.

``hooks`` holds what all three are handed from outside: the event sink and the crash points of the tests.
"""
