"""The migrations after 11 (O8's move of every stored moment to UTC, a Python step in edi/store/migrate.py)."""

from __future__ import annotations

LATER_MIGRATIONS: tuple[str, ...] = (
    # 12: D12, whether the customer has released historical usage to suppliers (the account snapshot says);
    # D15/D16, the monthly 867 sent for each electric point and period, once; D13, 820s; D14, 824 flags.
    """
    ALTER TABLE accounts ADD COLUMN usage_released INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE usage_reports (
        sp_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        account_number TEXT NOT NULL,
        supplier_duns TEXT NOT NULL,
        reference TEXT NOT NULL,              -- BPT02
        final INTEGER NOT NULL,               -- BPT07 F: the read that ended this supplier's supply
        kwh TEXT NOT NULL,
        sent_in TEXT NOT NULL DEFAULT '',     -- the outbox file it went out in
        created_at TEXT NOT NULL,
        PRIMARY KEY (sp_id, period_start, period_end)
    );
    CREATE INDEX usage_reports_account ON usage_reports(account_number);
    CREATE UNIQUE INDEX usage_reports_reference ON usage_reports(reference);
    -- D13: 820 remittances, the banks that may send them for a RES, and what each applied to our 810s.
    CREATE TABLE remitters (
        sender_id TEXT NOT NULL,               -- the bank's ISA06
        supplier_duns TEXT NOT NULL REFERENCES suppliers(duns),
        PRIMARY KEY (sender_id, supplier_duns)
    );
    CREATE TABLE remittances (
        id INTEGER PRIMARY KEY,
        payer_duns TEXT NOT NULL,              -- N1*PR
        trace TEXT NOT NULL,                   -- TRN02
        sender_id TEXT NOT NULL,
        total TEXT NOT NULL,                   -- BPR02
        paid_on TEXT,                          -- BPR16
        outcome_id INTEGER REFERENCES outcomes(id),
        applied INTEGER NOT NULL,              -- 0: refused whole, nothing applied (reason says why)
        reason TEXT NOT NULL DEFAULT '',
        received_at TEXT NOT NULL,
        reviewed_at TEXT,
        review_note TEXT NOT NULL DEFAULT ''
    );
    CREATE UNIQUE INDEX remittances_once ON remittances(payer_duns, trace) WHERE applied = 1;
    CREATE TABLE remittance_lines (
        remittance_id INTEGER NOT NULL REFERENCES remittances(id),
        line_no INTEGER NOT NULL,
        invoice_number TEXT NOT NULL,          -- RMR02: our BIG02
        account_number TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,                  -- rules/remittance.py LineStatus
        applied TEXT NOT NULL,
        reported TEXT NOT NULL,                -- unmatched or excess money for a person
        PRIMARY KEY (remittance_id, line_no)
    );
    CREATE INDEX remittance_lines_invoice ON remittance_lines(invoice_number);
    ALTER TABLE res_payments ADD COLUMN remittance_id INTEGER REFERENCES remittances(id);
    ALTER TABLE res_payments ADD COLUMN beyond_open INTEGER NOT NULL DEFAULT 0;  -- a correction past what was open
    -- D14: what 824s said of our 810s; an open flag needs a person (or a rebill, or an 824 accept).
    CREATE TABLE invoice_flags (
        id INTEGER PRIMARY KEY,
        invoice_number TEXT NOT NULL,          -- OTI03 as sent (possibly no 810 of ours: then 'reported')
        verdict TEXT NOT NULL,                 -- OTI01 TR, TE or IR; 'reported' for an 824 naming no 810 of its RES
        reason_code TEXT NOT NULL DEFAULT '',  -- TED01 or REF*7G
        reason_text TEXT NOT NULL DEFAULT '',
        outcome_id INTEGER REFERENCES outcomes(id),
        flagged_at TEXT NOT NULL,
        closed_at TEXT,
        closed_by TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX invoice_flags_invoice ON invoice_flags(invoice_number);
    -- A billing run asks, per bill, whether it was invoiced or direct-billed already: by bill id, not by a scan.
    CREATE INDEX invoices_bill ON invoices(bill_id);
    CREATE INDEX direct_bill_charges_bill ON direct_bill_charges(bill_id)
    """,
    # 13: D17, several workers on one inbox: the file each holds (by its name in the inbox) and until when.
    """
    CREATE TABLE claims (
        name TEXT PRIMARY KEY,                 -- the inbox entry's printable name
        worker TEXT NOT NULL,
        lease_until TEXT NOT NULL,             -- UTC stamp; past it, another worker may take the file over
        taken_over_from TEXT NOT NULL DEFAULT ''
    )
    """,
)
