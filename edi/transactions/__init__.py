"""Each transaction set as typed values: parse an inbound one, build an outbound one."""
