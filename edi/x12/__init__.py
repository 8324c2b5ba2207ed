"""X12 as X12: separators, segments, reader, writer, envelopes, control numbers, problems, acknowledgments."""
