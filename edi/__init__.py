"""sbo-edi: X12 4010 for Ameren Illinois SBO (reader, validation, store, enrollments, invoices, batch runs)."""
