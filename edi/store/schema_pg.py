"""The PostgreSQL store's schema at version 13 (written by scripts/make_pg_schema.py)."""

from __future__ import annotations

BASELINE_VERSION = 13

BASELINE: tuple[str, ...] = (
    """
CREATE TABLE accounts (
        number TEXT PRIMARY KEY,
        status TEXT NOT NULL,
        customer_name TEXT NOT NULL,
        street TEXT NOT NULL DEFAULT '',
        city TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL DEFAULT '',
        zip TEXT NOT NULL DEFAULT '',
        bill_group BIGINT NOT NULL CHECK (bill_group BETWEEN 1 AND 21),
        balance TEXT NOT NULL DEFAULT '0.00',
        due_date TEXT,
        summary_group TEXT,
        direct_pay BIGINT NOT NULL DEFAULT 0,
        direct_pay_bank TEXT NOT NULL DEFAULT '',
        split_from TEXT REFERENCES accounts(number),
        created_on TEXT
    , usage_released BIGINT NOT NULL DEFAULT 0)
""",
    """
CREATE TABLE bills_run (
        id BIGINT PRIMARY KEY,
        account_number TEXT NOT NULL REFERENCES accounts(number),
        bill_group BIGINT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        version BIGINT NOT NULL,
        content_hash TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        UNIQUE (account_number, period_start, period_end, version)
    )
""",
    """
CREATE TABLE bill_lines (
        bill_id BIGINT NOT NULL REFERENCES bills_run(id),
        sp_id TEXT NOT NULL,
        line_no BIGINT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('charge', 'tax')),
        code TEXT NOT NULL,
        description TEXT NOT NULL,
        rate TEXT NOT NULL DEFAULT '',
        quantity TEXT NOT NULL DEFAULT '',
        unit TEXT NOT NULL DEFAULT '',
        amount TEXT NOT NULL,
        print_order BIGINT NOT NULL,
        tax_type TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (bill_id, sp_id, line_no)
    )
""",
    """
CREATE TABLE bill_usage (
        bill_id BIGINT NOT NULL REFERENCES bills_run(id),
        sp_id TEXT NOT NULL,
        kwh TEXT NOT NULL DEFAULT '0',
        kw TEXT NOT NULL DEFAULT '0',
        therms TEXT NOT NULL DEFAULT '0',
        PRIMARY KEY (bill_id, sp_id)
    )
""",
    """
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
    )
""",
    """
CREATE TABLE budget_periods (
        account_number TEXT NOT NULL REFERENCES accounts(number),
        period_end TEXT NOT NULL,
        installment_billed TEXT NOT NULL,
        installment_paid TEXT NOT NULL,
        actual_charge TEXT NOT NULL,
        PRIMARY KEY (account_number, period_end)
    )
""",
    """
CREATE TABLE runs (
        id BIGINT PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        state TEXT NOT NULL,
        summary TEXT NOT NULL DEFAULT '{}'
    )
""",
    """
CREATE TABLE files (
        id BIGINT PRIMARY KEY,
        original_name TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        size BIGINT NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL,
        attempts BIGINT NOT NULL DEFAULT 0,
        reason TEXT NOT NULL DEFAULT '',
        stored_as TEXT NOT NULL DEFAULT '',
        finished_at TEXT,
        run_id BIGINT REFERENCES runs(id)
    , reached BIGINT NOT NULL DEFAULT -1, stalls BIGINT NOT NULL DEFAULT 0, purged_at TEXT)
""",
    """
CREATE TABLE interchanges (
        id BIGINT PRIMARY KEY,
        source_file TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        control_number TEXT NOT NULL,
        usage TEXT NOT NULL,
        processed_at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        ta1_note TEXT NOT NULL DEFAULT ''
    , file_id BIGINT REFERENCES files(id), position BIGINT NOT NULL DEFAULT 0)
""",
    """
CREATE TABLE outcomes (
        id BIGINT PRIMARY KEY,
        interchange_id BIGINT REFERENCES interchanges(id),
        group_control TEXT NOT NULL,
        st02 TEXT NOT NULL,
        supplier_duns TEXT NOT NULL DEFAULT '',
        request_id TEXT NOT NULL DEFAULT '',
        account_number TEXT NOT NULL DEFAULT '',
        outcome TEXT NOT NULL,
        rules TEXT NOT NULL DEFAULT '',
        reasons TEXT NOT NULL DEFAULT '[]',
        changes TEXT NOT NULL DEFAULT '[]',
        response_reference TEXT NOT NULL DEFAULT '',
        processed_at TEXT NOT NULL
    , seal TEXT NOT NULL DEFAULT '')
""",
    """
CREATE TABLE budget_plans (
        account_number TEXT PRIMARY KEY REFERENCES accounts(number),
        monthly_amount TEXT NOT NULL,
        start_date TEXT NOT NULL,
        ended_on TEXT,
        outcome_id BIGINT REFERENCES outcomes(id)
    )
""",
    """
CREATE TABLE claims (
        name TEXT PRIMARY KEY,
        worker TEXT NOT NULL,
        lease_until TEXT NOT NULL,
        taken_over_from TEXT NOT NULL DEFAULT ''
    )
""",
    """
CREATE TABLE cycle_closes (
        bill_group BIGINT NOT NULL,
        read_date TEXT NOT NULL,
        closed_at TEXT NOT NULL,
        PRIMARY KEY (bill_group, read_date)
    )
""",
    """
CREATE TABLE direct_bill_charges (
        id BIGINT PRIMARY KEY,
        account_number TEXT NOT NULL REFERENCES accounts(number),
        kind TEXT NOT NULL,
        amount TEXT NOT NULL,
        detail TEXT NOT NULL,
        created_on TEXT NOT NULL,
        outcome_id BIGINT REFERENCES outcomes(id)
    , billed_in TEXT, bill_id BIGINT REFERENCES bills_run(id))
""",
    """
CREATE TABLE outbox (
        id BIGINT PRIMARY KEY,
        kind TEXT NOT NULL,
        partner TEXT NOT NULL,
        file_name TEXT NOT NULL UNIQUE,
        content TEXT NOT NULL,
        created_at TEXT NOT NULL,
        interchange_id BIGINT REFERENCES interchanges(id),
        sent_at TEXT
    , functional_id TEXT NOT NULL DEFAULT '', group_control TEXT NOT NULL DEFAULT '', ack_status TEXT, acked_at TEXT)
""",
    """
CREATE TABLE document_history (
        id BIGINT PRIMARY KEY,
        outbox_id BIGINT NOT NULL REFERENCES outbox(id),
        at TEXT NOT NULL,
        event TEXT NOT NULL
    )
""",
    """
CREATE TABLE file_history (
        id BIGINT PRIMARY KEY,
        file_id BIGINT NOT NULL REFERENCES files(id),
        at TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT ''
    )
""",
    """
CREATE TABLE groups_received (
        id BIGINT PRIMARY KEY,
        interchange_id BIGINT NOT NULL REFERENCES interchanges(id),
        position BIGINT NOT NULL,
        functional_id TEXT NOT NULL,
        control_number TEXT NOT NULL,
        ak9_status TEXT NOT NULL,
        ak9_codes TEXT NOT NULL DEFAULT '',
        sets_received BIGINT NOT NULL,
        sets_accepted BIGINT NOT NULL
    )
""",
    """
CREATE TABLE heartbeat (
        worker TEXT PRIMARY KEY,
        pid BIGINT NOT NULL,
        beat_at TEXT NOT NULL,
        interval_seconds DOUBLE PRECISION NOT NULL,
        watching BIGINT NOT NULL
    )
""",
    """
CREATE TABLE holidays (day TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '')
""",
    """
CREATE TABLE invoice_flags (
        id BIGINT PRIMARY KEY,
        invoice_number TEXT NOT NULL,
        verdict TEXT NOT NULL,
        reason_code TEXT NOT NULL DEFAULT '',
        reason_text TEXT NOT NULL DEFAULT '',
        outcome_id BIGINT REFERENCES outcomes(id),
        flagged_at TEXT NOT NULL,
        closed_at TEXT,
        closed_by TEXT NOT NULL DEFAULT ''
    )
""",
    """
CREATE TABLE invoices (
        id BIGINT PRIMARY KEY,
        number TEXT NOT NULL UNIQUE,
        account_number TEXT NOT NULL,
        supplier_duns TEXT NOT NULL,
        bill_id BIGINT NOT NULL REFERENCES bills_run(id),
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        purpose TEXT NOT NULL,
        original_number TEXT NOT NULL DEFAULT '',
        prior_due TEXT NOT NULL,
        period_total TEXT NOT NULL,
        cancelled_by TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        outbox_file TEXT NOT NULL DEFAULT ''
    )
""",
    """
CREATE TABLE past_due (
        account_number TEXT NOT NULL REFERENCES accounts(number),
        amount TEXT NOT NULL,
        due_date TEXT NOT NULL
    )
""",
    """
CREATE TABLE payments (
        account_number TEXT NOT NULL REFERENCES accounts(number),
        paid_on TEXT NOT NULL,
        amount TEXT NOT NULL,
        method TEXT NOT NULL DEFAULT ''
    )
""",
    """
CREATE TABLE read_dates (
        bill_group BIGINT NOT NULL CHECK (bill_group BETWEEN 1 AND 21),
        read_date TEXT NOT NULL,
        PRIMARY KEY (bill_group, read_date)
    )
""",
    """
CREATE TABLE remittances (
        id BIGINT PRIMARY KEY,
        payer_duns TEXT NOT NULL,
        trace TEXT NOT NULL,
        sender_id TEXT NOT NULL,
        total TEXT NOT NULL,
        paid_on TEXT,
        outcome_id BIGINT REFERENCES outcomes(id),
        applied BIGINT NOT NULL,
        reason TEXT NOT NULL DEFAULT '',
        received_at TEXT NOT NULL,
        reviewed_at TEXT,
        review_note TEXT NOT NULL DEFAULT ''
    )
""",
    """
CREATE TABLE remittance_lines (
        remittance_id BIGINT NOT NULL REFERENCES remittances(id),
        line_no BIGINT NOT NULL,
        invoice_number TEXT NOT NULL,
        account_number TEXT NOT NULL DEFAULT '',
        status TEXT NOT NULL,
        applied TEXT NOT NULL,
        reported TEXT NOT NULL,
        PRIMARY KEY (remittance_id, line_no)
    )
""",
    """
CREATE TABLE suppliers (
        duns TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        billing_types TEXT NOT NULL
    )
""",
    """
CREATE TABLE remitters (
        sender_id TEXT NOT NULL,
        supplier_duns TEXT NOT NULL REFERENCES suppliers(duns),
        PRIMARY KEY (sender_id, supplier_duns)
    )
""",
    """
CREATE TABLE requests_seen (
        supplier_duns TEXT NOT NULL,
        request_id TEXT NOT NULL,
        outcome_id BIGINT NOT NULL REFERENCES outcomes(id),
        PRIMARY KEY (supplier_duns, request_id)
    )
""",
    """
CREATE TABLE res_payments (
        id BIGINT PRIMARY KEY,
        invoice_number TEXT NOT NULL,
        amount TEXT NOT NULL,
        paid_on TEXT NOT NULL
    , remittance_id BIGINT REFERENCES remittances(id), beyond_open BIGINT NOT NULL DEFAULT 0)
""",
    """
CREATE TABLE sequences (name TEXT PRIMARY KEY, next_value BIGINT NOT NULL)
""",
    """
CREATE TABLE service_points (
        id TEXT PRIMARY KEY,
        account_number TEXT NOT NULL REFERENCES accounts(number),
        commodity TEXT NOT NULL CHECK (commodity IN ('EL', 'GAS')),
        rate_class TEXT NOT NULL,
        meter TEXT NOT NULL DEFAULT ''
    )
""",
    """
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)
""",
    """
CREATE TABLE supply (
        id BIGINT PRIMARY KEY,
        sp_id TEXT NOT NULL REFERENCES service_points(id),
        supplier_duns TEXT,
        billing_type TEXT NOT NULL,
        bill_calculator TEXT NOT NULL,
        effective TEXT NOT NULL,
        off_cycle BIGINT NOT NULL DEFAULT 0,
        kind TEXT NOT NULL,
        outcome_id BIGINT REFERENCES outcomes(id)
    , supplier_account TEXT NOT NULL DEFAULT '')
""",
    """
CREATE TABLE switch_notices (
        id BIGINT PRIMARY KEY,
        account_number TEXT NOT NULL,
        bill_group BIGINT NOT NULL,
        supplier_duns TEXT NOT NULL,
        supplier_account TEXT NOT NULL DEFAULT '',
        request_id TEXT NOT NULL,
        switch_date TEXT NOT NULL,
        outcome_id BIGINT REFERENCES outcomes(id),
        sent_on TEXT
    )
""",
    """
CREATE TABLE timeline (
        id BIGINT PRIMARY KEY,
        account_number TEXT NOT NULL,
        at TEXT NOT NULL,
        outcome_id BIGINT REFERENCES outcomes(id),
        rule TEXT NOT NULL,
        event TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    )
""",
    """
CREATE TABLE usage_reports (
        sp_id TEXT NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        account_number TEXT NOT NULL,
        supplier_duns TEXT NOT NULL,
        reference TEXT NOT NULL,
        final BIGINT NOT NULL,
        kwh TEXT NOT NULL,
        sent_in TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL,
        PRIMARY KEY (sp_id, period_start, period_end)
    )
""",
    """
CREATE INDEX service_points_account ON service_points(account_number)
""",
    """
CREATE INDEX supply_sp ON supply(sp_id, effective)
""",
    """
CREATE INDEX outcomes_request ON outcomes(supplier_duns, request_id)
""",
    """
CREATE INDEX timeline_account ON timeline(account_number, id)
""",
    """
CREATE INDEX files_identity ON files(sha256, original_name)
""",
    """
CREATE INDEX interchanges_sender ON interchanges(sender_id, control_number)
""",
    """
CREATE INDEX interchanges_file ON interchanges(file_id, position)
""",
    """
CREATE INDEX outbox_unsent ON outbox(sent_at)
""",
    """
CREATE INDEX outcomes_interchange ON outcomes(interchange_id)
""",
    """
CREATE INDEX past_due_account ON past_due(account_number)
""",
    """
CREATE INDEX payments_account ON payments(account_number)
""",
    """
CREATE INDEX direct_bill_account ON direct_bill_charges(account_number)
""",
    """
CREATE INDEX accounts_split_from ON accounts(split_from)
""",
    """
CREATE INDEX switch_notices_due ON switch_notices(bill_group, sent_on, switch_date)
""",
    """
CREATE INDEX bills_run_group ON bills_run(bill_group, period_start, period_end)
""",
    """
CREATE INDEX invoices_account ON invoices(account_number, period_start)
""",
    """
CREATE INDEX outbox_group ON outbox(partner, functional_id, group_control)
""",
    """
CREATE INDEX groups_received_interchange ON groups_received(interchange_id)
""",
    """
CREATE INDEX file_history_file ON file_history(file_id)
""",
    """
CREATE INDEX document_history_outbox ON document_history(outbox_id)
""",
    """
CREATE INDEX usage_reports_account ON usage_reports(account_number)
""",
    """
CREATE UNIQUE INDEX usage_reports_reference ON usage_reports(reference)
""",
    """
CREATE UNIQUE INDEX remittances_once ON remittances(payer_duns, trace) WHERE applied = 1
""",
    """
CREATE INDEX remittance_lines_invoice ON remittance_lines(invoice_number)
""",
    """
CREATE INDEX invoice_flags_invoice ON invoice_flags(invoice_number)
""",
    """
CREATE INDEX invoices_bill ON invoices(bill_id)
""",
    """
CREATE INDEX direct_bill_charges_bill ON direct_bill_charges(bill_id)
""",
    """
CREATE FUNCTION bills_run_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM bills_run;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER bills_run_id BEFORE INSERT ON bills_run
    FOR EACH ROW EXECUTE FUNCTION bills_run_next_id()
""",
    """
CREATE FUNCTION runs_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM runs;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER runs_id BEFORE INSERT ON runs
    FOR EACH ROW EXECUTE FUNCTION runs_next_id()
""",
    """
CREATE FUNCTION files_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM files;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER files_id BEFORE INSERT ON files
    FOR EACH ROW EXECUTE FUNCTION files_next_id()
""",
    """
CREATE FUNCTION interchanges_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM interchanges;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER interchanges_id BEFORE INSERT ON interchanges
    FOR EACH ROW EXECUTE FUNCTION interchanges_next_id()
""",
    """
CREATE FUNCTION outcomes_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM outcomes;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER outcomes_id BEFORE INSERT ON outcomes
    FOR EACH ROW EXECUTE FUNCTION outcomes_next_id()
""",
    """
CREATE FUNCTION direct_bill_charges_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM direct_bill_charges;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER direct_bill_charges_id BEFORE INSERT ON direct_bill_charges
    FOR EACH ROW EXECUTE FUNCTION direct_bill_charges_next_id()
""",
    """
CREATE FUNCTION outbox_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM outbox;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER outbox_id BEFORE INSERT ON outbox
    FOR EACH ROW EXECUTE FUNCTION outbox_next_id()
""",
    """
CREATE FUNCTION document_history_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM document_history;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER document_history_id BEFORE INSERT ON document_history
    FOR EACH ROW EXECUTE FUNCTION document_history_next_id()
""",
    """
CREATE FUNCTION file_history_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM file_history;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER file_history_id BEFORE INSERT ON file_history
    FOR EACH ROW EXECUTE FUNCTION file_history_next_id()
""",
    """
CREATE FUNCTION groups_received_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM groups_received;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER groups_received_id BEFORE INSERT ON groups_received
    FOR EACH ROW EXECUTE FUNCTION groups_received_next_id()
""",
    """
CREATE FUNCTION invoice_flags_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM invoice_flags;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER invoice_flags_id BEFORE INSERT ON invoice_flags
    FOR EACH ROW EXECUTE FUNCTION invoice_flags_next_id()
""",
    """
CREATE FUNCTION invoices_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM invoices;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER invoices_id BEFORE INSERT ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_next_id()
""",
    """
CREATE FUNCTION remittances_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM remittances;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER remittances_id BEFORE INSERT ON remittances
    FOR EACH ROW EXECUTE FUNCTION remittances_next_id()
""",
    """
CREATE FUNCTION res_payments_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM res_payments;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER res_payments_id BEFORE INSERT ON res_payments
    FOR EACH ROW EXECUTE FUNCTION res_payments_next_id()
""",
    """
CREATE FUNCTION supply_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM supply;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER supply_id BEFORE INSERT ON supply
    FOR EACH ROW EXECUTE FUNCTION supply_next_id()
""",
    """
CREATE FUNCTION switch_notices_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM switch_notices;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER switch_notices_id BEFORE INSERT ON switch_notices
    FOR EACH ROW EXECUTE FUNCTION switch_notices_next_id()
""",
    """
CREATE FUNCTION timeline_next_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS NULL THEN
        PERFORM pg_advisory_xact_lock(7411000);
        SELECT coalesce(max(id), 0) + 1 INTO NEW.id FROM timeline;
    END IF;
    RETURN NEW;
END $$
""",
    """
CREATE TRIGGER timeline_id BEFORE INSERT ON timeline
    FOR EACH ROW EXECUTE FUNCTION timeline_next_id()
""",
    """
INSERT INTO settings VALUES ('utility_duns', '111111111')
""",
    """
INSERT INTO settings VALUES ('utility_name', 'AMEREN ILLINOIS')
""",
    """
INSERT INTO settings VALUES ('utility_qualifier', '01')
""",
    """
INSERT INTO sequences VALUES ('gas_account', 5000000000)
""",
    """
INSERT INTO sequences VALUES ('group', 1)
""",
    """
INSERT INTO sequences VALUES ('interchange', 1)
""",
    """
INSERT INTO sequences VALUES ('invoice', 1)
""",
    """
INSERT INTO sequences VALUES ('reference', 1)
""",
)
