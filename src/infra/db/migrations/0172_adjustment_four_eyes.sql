-- Adjustments get the refunds' four-eyes. An operator's own direct adjustments are counted per UTC
-- day next to their self-approved refunds, each kind against its own limit; above a limit an
-- adjustment is a request that another operator approves.
ALTER TABLE operator_self_approval_totals
  ADD COLUMN kind TEXT NOT NULL DEFAULT 'refund' CHECK (kind IN ('refund', 'adjustment'));
ALTER TABLE operator_self_approval_totals ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE operator_self_approval_totals DROP CONSTRAINT operator_self_approval_totals_pkey;
ALTER TABLE operator_self_approval_totals ADD PRIMARY KEY (operator_id, kind, day);

-- A request leaves `pending` once, under its row lock, in the transaction that posts the adjustment.
CREATE TABLE adjustment_requests (
  id                      TEXT PRIMARY KEY,
  wallet_id               TEXT NOT NULL REFERENCES wallets (id),
  amount                  BIGINT NOT NULL CHECK (amount <> 0),
  currency                CHAR(3) NOT NULL,
  reason                  TEXT NOT NULL,
  status                  TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by            TEXT NOT NULL,
  decided_by              TEXT,
  decision_reason         TEXT,
  adjustment_transfer_id  TEXT REFERENCES transfers (id),
  created_at              TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  decided_at              TIMESTAMPTZ,
  CONSTRAINT adjustment_requests_approved_has_transfer CHECK (status <> 'approved' OR adjustment_transfer_id IS NOT NULL),
  CONSTRAINT adjustment_requests_second_operator CHECK (decided_by IS NULL OR status <> 'approved' OR decided_by <> requested_by)
);
CREATE INDEX adjustment_requests_status_idx ON adjustment_requests (status, created_at DESC, id DESC);
CREATE INDEX adjustment_requests_created_idx ON adjustment_requests (created_at DESC, id DESC);
