-- Reconciliation of a processor's settlement file against OCP's card charges, card refunds and
-- payouts (POST /api/v1/admin/reconciliations, docs/wallets-and-ledger.md#reconciliation). A
-- reconciliation, its items and the upload's audit row are written in one transaction: a refused
-- file stores nothing. Both tables are reports: written once, never updated.
CREATE TABLE reconciliations (
  id               TEXT PRIMARY KEY,
  processor        TEXT NOT NULL,
  format           TEXT NOT NULL CHECK (format IN ('ocp', 'stripe')),
  file_sha256      TEXT NOT NULL,
  file_rows        INTEGER NOT NULL,
  -- Rows of types that are not charges, refunds or payouts (a Stripe export's fees, adjustments...).
  ignored_rows     INTEGER NOT NULL,
  period_start     TIMESTAMPTZ(3) NOT NULL,
  period_end       TIMESTAMPTZ(3) NOT NULL,
  matched          INTEGER NOT NULL,
  amount_mismatch  INTEGER NOT NULL,
  missing_ours     INTEGER NOT NULL,
  missing_theirs   INTEGER NOT NULL,
  created_by       TEXT NOT NULL,
  created_at       TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX reconciliations_created_idx ON reconciliations (created_at DESC, id DESC);

-- One row per file row that names a charge, refund or payout, then one per record of ours in the
-- file's period that the file does not name (missing_theirs). seq keeps that order for paging.
CREATE TABLE reconciliation_items (
  reconciliation_id  TEXT NOT NULL REFERENCES reconciliations (id),
  seq                INTEGER NOT NULL,
  kind               TEXT NOT NULL CHECK (kind IN ('charge', 'refund', 'payout')),
  result             TEXT NOT NULL CHECK (result IN ('matched', 'amount_mismatch', 'missing_ours', 'missing_theirs')),
  processor_id       TEXT NOT NULL,
  -- The file's side: null for missing_theirs.
  line               INTEGER,
  their_amount       BIGINT,
  their_currency     CHAR(3),
  their_fee          BIGINT,
  their_date         TIMESTAMPTZ(3),
  -- Our side: null for missing_ours.
  our_id             TEXT,
  our_amount         BIGINT,
  our_currency       CHAR(3),
  our_date           TIMESTAMPTZ(3),
  PRIMARY KEY (reconciliation_id, seq)
);
CREATE INDEX reconciliation_items_result_idx ON reconciliation_items (reconciliation_id, result, seq);

-- Our records by the processor's id (a file row), and the ones of a file's period.
CREATE INDEX IF NOT EXISTS card_charges_processor_charge_idx ON card_charges (processor, processor_charge_id)
  WHERE processor_charge_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS card_refunds_processor_refund_idx ON card_refunds (processor, processor_refund_id)
  WHERE processor_refund_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS card_refunds_succeeded_created_idx ON card_refunds (created_at, id) WHERE status = 'succeeded';
