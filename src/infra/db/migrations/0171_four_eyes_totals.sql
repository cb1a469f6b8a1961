-- Four-eyes cannot be split: what an operator approves of their own requests is counted per UTC day
-- (minor units, any currency, as REFUND_FOUR_EYES_THRESHOLD_MINOR). The row is incremented in the
-- refund's own transaction (INSERT ... ON CONFLICT DO UPDATE), so its row lock serialises concurrent
-- self-approvals of one operator and a refused approval rolls its increment back.
CREATE TABLE operator_self_approval_totals (
  operator_id TEXT NOT NULL,
  day DATE NOT NULL,
  amount NUMERIC(39, 0) NOT NULL CHECK (amount >= 0),
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (operator_id, day)
);
