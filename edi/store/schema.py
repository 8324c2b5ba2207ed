"""The store's schema as numbered migrations; ``PRAGMA user_version`` records how far a file has come."""

from __future__ import annotations

# Amounts are TEXT holding exact decimals (never REAL); dates are ISO text. Append new migrations, never edit old ones.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO settings VALUES ('utility_name', 'AMEREN ILLINOIS'), ('utility_duns', '111111111'),
                                ('utility_qualifier', '01');
    CREATE TABLE sequences (name TEXT PRIMARY KEY, next_value INTEGER NOT NULL);
    -- D5: new gas account numbers come from here and are never reused; ISA13/GS06/references likewise.
    INSERT INTO sequences VALUES ('gas_account', 5000000000), ('interchange', 1), ('group', 1),
                                 ('reference', 1);

    CREATE TABLE suppliers (
        duns TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        billing_types TEXT NOT NULL            -- space-separated REF*BLT values the RES may offer
    );
    CREATE TABLE read_dates (
        bill_group INTEGER NOT NULL CHECK (bill_group BETWEEN 1 AND 21),
        read_date TEXT NOT NULL,
        PRIMARY KEY (bill_group, read_date)
    );
    CREATE TABLE holidays (day TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '');

    CREATE TABLE accounts (
        number TEXT PRIMARY KEY,
        status TEXT NOT NULL,                  -- active | final | inactive
        customer_name TEXT NOT NULL,
        street TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT '',
        zip TEXT NOT NULL DEFAULT '',
        bill_group INTEGER NOT NULL CHECK (bill_group BETWEEN 1 AND 21),
        balance TEXT NOT NULL DEFAULT '0.00',
        due_date TEXT,
        summary_group TEXT,
        direct_pay INTEGER NOT NULL DEFAULT 0,
        direct_pay_bank TEXT NOT NULL DEFAULT '',
        split_from TEXT REFERENCES accounts(number),
        created_on TEXT
    );
    CREATE TABLE past_due (
        account_number TEXT NOT NULL REFERENCES accounts(number),
        amount TEXT NOT NULL,
        due_date TEXT NOT NULL
    );
    CREATE TABLE service_points (
        id TEXT PRIMARY KEY,
        account_number TEXT NOT NULL REFERENCES accounts(number),
        commodity TEXT NOT NULL CHECK (commodity IN ('EL', 'GAS')),
        rate_class TEXT NOT NULL,
        meter TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX service_points_account ON service_points(account_number);
    -- Billing option and supplier per service point, each from its effective date (NULL supplier: utility supply).
    CREATE TABLE supply (
        id INTEGER PRIMARY KEY,
        sp_id TEXT NOT NULL REFERENCES service_points(id),
        supplier_duns TEXT,
        billing_type TEXT NOT NULL,
        bill_calculator TEXT NOT NULL,
        effective TEXT NOT NULL,
        off_cycle INTEGER NOT NULL DEFAULT 0,  -- 1: takes effect at 23:59:59 of the date (guide section 2)
        kind TEXT NOT NULL,                    -- snapshot | enrollment | sbo_switch (D3)
        outcome_id INTEGER REFERENCES outcomes(id)
    );
    CREATE INDEX supply_sp ON supply(sp_id, effective);

    CREATE TABLE budget_plans (
        account_number TEXT PRIMARY KEY REFERENCES accounts(number),
        monthly_amount TEXT NOT NULL,
        start_date TEXT NOT NULL,              -- plan start or last settlement
        ended_on TEXT,
        outcome_id INTEGER REFERENCES outcomes(id)
    );
    CREATE TABLE budget_periods (
        account_number TEXT NOT NULL REFERENCES accounts(number),
        period_end TEXT NOT NULL,
        installment_billed TEXT NOT NULL,
        installment_paid TEXT NOT NULL,
        actual_charge TEXT NOT NULL,
        PRIMARY KEY (account_number, period_end)
    );
    CREATE TABLE bills (
        account_number TEXT NOT NULL REFERENCES accounts(number),
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        bill_date TEXT NOT NULL,
        due_date TEXT NOT NULL,
        amount TEXT NOT NULL,
        kwh TEXT NOT NULL DEFAULT '0',
        therms TEXT NOT NULL DEFAULT '0',
        PRIMARY KEY (account_number, period_end)
    );
    CREATE TABLE payments (
        account_number TEXT NOT NULL REFERENCES accounts(number),
        paid_on TEXT NOT NULL,
        amount TEXT NOT NULL,
        method TEXT NOT NULL DEFAULT ''
    );
    -- Charges on the utility's own direct bill to the customer (R2 budget balance due; later R7 DUAL periods).
    CREATE TABLE direct_bill_charges (
        id INTEGER PRIMARY KEY,
        account_number TEXT NOT NULL REFERENCES accounts(number),
        kind TEXT NOT NULL,
        amount TEXT NOT NULL,
        detail TEXT NOT NULL,                  -- JSON: the arithmetic behind the amount
        created_on TEXT NOT NULL,
        outcome_id INTEGER REFERENCES outcomes(id)
    );

    CREATE TABLE interchanges (
        id INTEGER PRIMARY KEY,
        source_file TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        control_number TEXT NOT NULL,
        usage TEXT NOT NULL,
        processed_at TEXT NOT NULL,
        outcome TEXT NOT NULL,                 -- processed | rejected (TA1 note) | acknowledgment only
        ta1_note TEXT NOT NULL DEFAULT ''
    );
    -- Exactly one row per inbound transaction set: its single recorded outcome.
    CREATE TABLE outcomes (
        id INTEGER PRIMARY KEY,
        interchange_id INTEGER REFERENCES interchanges(id),
        group_control TEXT NOT NULL,
        st02 TEXT NOT NULL,
        supplier_duns TEXT NOT NULL DEFAULT '',
        request_id TEXT NOT NULL DEFAULT '',
        account_number TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL,                 -- accepted | rejected | 997 rejected | not answered
        rules TEXT NOT NULL DEFAULT '',
        reasons TEXT NOT NULL DEFAULT '[]',    -- JSON [[code, text], ...]
        changes TEXT NOT NULL DEFAULT '[]',    -- JSON, one object per account change
        response_reference TEXT NOT NULL DEFAULT '',
        processed_at TEXT NOT NULL
    );
    CREATE INDEX outcomes_request ON outcomes(supplier_duns, request_id);
    CREATE TABLE requests_seen (
        supplier_duns TEXT NOT NULL,
        request_id TEXT NOT NULL,
        outcome_id INTEGER NOT NULL REFERENCES outcomes(id),
        PRIMARY KEY (supplier_duns, request_id)
    );
    -- What the processor changed on an account and why (accounts show).
    CREATE TABLE timeline (
        id INTEGER PRIMARY KEY,
        account_number TEXT NOT NULL,
        at TEXT NOT NULL,
        outcome_id INTEGER REFERENCES outcomes(id),
        rule TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX timeline_account ON timeline(account_number, id);
    -- D3: the 814 change owed to the RES when an off-cycle account's first period closes.
    CREATE TABLE switch_notices (
        id INTEGER PRIMARY KEY,
        account_number TEXT NOT NULL,
        bill_group INTEGER NOT NULL,
        supplier_duns TEXT NOT NULL,
        supplier_account TEXT NOT NULL DEFAULT '',
        request_id TEXT NOT NULL,
        switch_date TEXT NOT NULL,
        outcome_id INTEGER REFERENCES outcomes(id),
        sent_on TEXT
    );
    CREATE TABLE cycle_closes (
        bill_group INTEGER NOT NULL,
        read_date TEXT NOT NULL,
        closed_at TEXT NOT NULL,
        PRIMARY KEY (bill_group, read_date)
    );
    -- Transactional outbox: outbound documents commit with the changes that caused them, files follow.
    CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,                    -- a row of edi/transactions/documents.py
        partner TEXT NOT NULL,
        file_name TEXT NOT NULL UNIQUE,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL,
        interchange_id INTEGER REFERENCES interchanges(id),
        sent_at TEXT
    );
    """,
    # 2: batch drops: the intake ledger, runs, and where each interchange sat in its file.
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        state TEXT NOT NULL,                   -- running | finished | stopped
        summary TEXT NOT NULL DEFAULT '{}'     -- JSON: files, transactions, accepted, rejected by code, acks sent
    );
    -- One row per inbound file taken in: what it was, what became of it, how often it was tried.
    CREATE TABLE files (
        id INTEGER PRIMARY KEY,
        original_name TEXT NOT NULL,           -- as received, escaped for display (never used as a path)
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL,                   -- processing | archived | quarantined
        attempts INTEGER NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        stored_as TEXT NOT NULL DEFAULT '',    -- our own name in the archive or quarantine folder
        finished_at TEXT,
        run_id INTEGER REFERENCES runs(id)
    );
    CREATE INDEX files_identity ON files(sha256, original_name);
    ALTER TABLE interchanges ADD COLUMN file_id INTEGER REFERENCES files(id);
    ALTER TABLE interchanges ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX interchanges_sender ON interchanges(sender_id, control_number);
    CREATE INDEX interchanges_file ON interchanges(file_id, position);
    CREATE INDEX outbox_unsent ON outbox(sent_at);
    CREATE INDEX outcomes_interchange ON outcomes(interchange_id)
    """,
    # 3: indexes the per-request reads need (a full scan per request is quadratic over a 100,000-set drop).
    """
    CREATE INDEX past_due_account ON past_due(account_number);
    CREATE INDEX payments_account ON payments(account_number);
    CREATE INDEX direct_bill_account ON direct_bill_charges(account_number);
    CREATE INDEX accounts_split_from ON accounts(split_from);
    CREATE INDEX switch_notices_due ON switch_notices(bill_group, sent_on, switch_date)
    """,
    # 4: SBO invoicing: the utility's billing run, 810 invoices, RES payments, direct-bill runs.
    """
    ALTER TABLE supply ADD COLUMN supplier_account TEXT NOT NULL DEFAULT '';
    INSERT INTO sequences VALUES ('invoice', 1);
    -- One account's bill for one period, as the billing run produced it; a correction is a new version.
    CREATE TABLE bills_run (
        id INTEGER PRIMARY KEY,
        account_number TEXT NOT NULL REFERENCES accounts(number),
        bill_group INTEGER NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (account_number, period_start, period_end, version)
    );
    CREATE INDEX bills_run_group ON bills_run(bill_group, period_start, period_end);
    CREATE TABLE bill_usage (
        bill_id INTEGER NOT NULL REFERENCES bills_run(id),
        sp_id TEXT NOT NULL,
        kwh TEXT NOT NULL DEFAULT '0',
        kw TEXT NOT NULL DEFAULT '0',
        therms TEXT NOT NULL DEFAULT '0',
        PRIMARY KEY (bill_id, sp_id)
    );
    CREATE TABLE bill_lines (
        bill_id INTEGER NOT NULL REFERENCES bills_run(id),
        sp_id TEXT NOT NULL,
        line_no INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('charge', 'tax')),
        code TEXT NOT NULL,
        description TEXT NOT NULL,
        rate TEXT NOT NULL DEFAULT '',
        quantity TEXT NOT NULL DEFAULT '',
        unit TEXT NOT NULL DEFAULT '',
        amount TEXT NOT NULL,
        print_order INTEGER NOT NULL,
        tax_type TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (bill_id, sp_id, line_no)
    );
    -- Every 810 sent: originals, cancels and rebills; numbers from the 'invoice' sequence, never reused.
    CREATE TABLE invoices (
        id INTEGER PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        account_number TEXT NOT NULL,
        supplier_duns TEXT NOT NULL,
        bill_id INTEGER NOT NULL REFERENCES bills_run(id),
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        purpose TEXT NOT NULL,                 -- 00 original or rebill, 01 cancellation (BIG08)
        original_number TEXT NOT NULL DEFAULT '',
        prior_due TEXT NOT NULL,               -- BAL*M*J9
        period_total TEXT NOT NULL,            -- TDS (this period's charges and taxes)
        cancelled_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        outbox_file TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX invoices_account ON invoices(account_number, period_start);
    -- What each RES paid against our invoices (820 remittances later; imported for now).
    CREATE TABLE res_payments (
        id INTEGER PRIMARY KEY,
        invoice_number TEXT NOT NULL,
        amount TEXT NOT NULL,
        paid_on TEXT NOT NULL
    );
    -- Which invoice run put a direct-bill charge on the utility's bill print (NULL: not yet billed).
    ALTER TABLE direct_bill_charges ADD COLUMN billed_in TEXT;
    ALTER TABLE direct_bill_charges ADD COLUMN bill_id INTEGER REFERENCES bills_run(id)
    """,
    # 5: the outcome rows form a hash chain (F7): each row's seal covers it and the one before.
    """
    ALTER TABLE outcomes ADD COLUMN seal TEXT NOT NULL DEFAULT ''
    """,
    # 6: inbound 997s reconciled against the documents we sent (B13).
    """
    ALTER TABLE outbox ADD COLUMN functional_id TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN group_control TEXT NOT NULL DEFAULT '';
    ALTER TABLE outbox ADD COLUMN ack_status TEXT;
    ALTER TABLE outbox ADD COLUMN acked_at TEXT;
    CREATE INDEX outbox_group ON outbox(partner, functional_id, group_control)
    """,
    # 7: a row per inbound functional group (audit): its 997 verdict and counts.
    """
    CREATE TABLE groups_received (
        id INTEGER PRIMARY KEY,
        interchange_id INTEGER NOT NULL REFERENCES interchanges(id),
        position INTEGER NOT NULL,
        functional_id TEXT NOT NULL,
        control_number TEXT NOT NULL,
        ak9_status TEXT NOT NULL,              -- A, E, P, R (our 997's AK901), or TA1 when the interchange was rejected
        ak9_codes TEXT NOT NULL DEFAULT '',
        sets_received INTEGER NOT NULL,
        sets_accepted INTEGER NOT NULL
    );
    CREATE INDEX groups_received_interchange ON groups_received(interchange_id)
    """,
    # 8: H2, a file is poison only when the worker dies at the same place again: where the last attempt died
    # (sets read, from the progress mark beside the store) and how many deaths in a row were there.
    """
    ALTER TABLE files ADD COLUMN reached INTEGER NOT NULL DEFAULT -1;
    ALTER TABLE files ADD COLUMN stalls INTEGER NOT NULL DEFAULT 0
    """,
    # 9: the --watch worker's heartbeat: status says when a watcher that should be running is silent.
    """
    CREATE TABLE heartbeat (
        worker TEXT PRIMARY KEY,
        pid INTEGER NOT NULL,
        beat_at TEXT NOT NULL,
        interval_seconds REAL NOT NULL,
        watching INTEGER NOT NULL              -- 1 while the loop runs; 0 after a clean stop
    )
    """,
    # 10: putting things right: a file's history across requeues, documents resent, purges.
    """
    CREATE TABLE file_history (
        id INTEGER PRIMARY KEY,
        file_id INTEGER NOT NULL REFERENCES files(id),
        at TEXT NOT NULL,
        event TEXT NOT NULL,                   -- quarantined (then requeued), purged
        detail TEXT NOT NULL DEFAULT ''        -- the reason and attempts at that moment
    );
    CREATE INDEX file_history_file ON file_history(file_id);
    ALTER TABLE files ADD COLUMN purged_at TEXT;
    CREATE TABLE document_history (
        id INTEGER PRIMARY KEY,
        outbox_id INTEGER NOT NULL REFERENCES outbox(id),
        at TEXT NOT NULL,
        event TEXT NOT NULL                    -- resent, purged
    );
    CREATE INDEX document_history_outbox ON document_history(outbox_id)
    """,
)
