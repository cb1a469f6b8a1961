-- The admin service: operator roles, login locks, wallet holds, the audit log, refund requests and
-- monitoring alerts, plus the indexes the admin lists and analytics read through.

-- An operator's admin role (role = 'admin' only). NULL on an admin means the full 'admin' role, so
-- admins created before this migration (or by `npm run admin:create`) keep every permission.
ALTER TABLE users ADD COLUMN admin_role TEXT CHECK (admin_role IN ('admin', 'support', 'finance', 'auditor'));
ALTER TABLE users ADD CONSTRAINT users_admin_role_only_for_admins CHECK (admin_role IS NULL OR role = 'admin');
-- A locked login can neither sign in nor refresh, and its access tokens stop working.
ALTER TABLE users ADD COLUMN locked_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN locked_reason TEXT;
-- Email search by prefix (lower(email) LIKE 'abc%') uses this index.
CREATE INDEX users_email_pattern_idx ON users (lower(email) text_pattern_ops);
CREATE INDEX users_role_created_idx ON users (role, created_at DESC, id DESC);

-- A wallet frozen by an operator: its owner cannot set it active again (only an operator can).
ALTER TABLE wallets ADD COLUMN admin_hold BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX wallets_created_idx ON wallets (created_at) WHERE kind = 'user';

-- Analytics read transfers by time through transfers_created_idx (0002); the admin search and the
-- velocity rule read them by wallet and by initiator. Each index here is paid on every posting, so
-- only those a measured query uses (bench/admin-explain.ts) are kept.
CREATE INDEX transfers_from_created_idx ON transfers (from_wallet_id, created_at);
CREATE INDEX transfers_to_created_idx ON transfers (to_wallet_id, created_at);
CREATE INDEX transfers_initiated_created_idx ON transfers (initiated_by, created_at);
CREATE INDEX transactions_created_idx ON transactions (created_at) INCLUDE (wallet_id);
CREATE INDEX card_charges_created_idx ON card_charges (created_at) INCLUDE (status);
CREATE INDEX card_charges_failed_idx ON card_charges (wallet_id, created_at) WHERE status = 'failed';

-- Every admin action: who, in which admin role, what, on what, before/after, why, from where,
-- and how it ended. Written in the same transaction as the action. Append-only.
CREATE TABLE admin_audit_log (
  id          TEXT PRIMARY KEY,
  actor_id    TEXT NOT NULL,
  actor_role  TEXT NOT NULL,
  action      TEXT NOT NULL,
  target_type TEXT NOT NULL,
  target_id   TEXT NOT NULL,
  before      JSONB,
  after       JSONB,
  reason      TEXT,
  outcome     TEXT NOT NULL CHECK (outcome IN ('succeeded', 'refused')),
  error_code  TEXT,
  request_id  TEXT NOT NULL,
  ip          TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX admin_audit_created_idx ON admin_audit_log (created_at DESC, id DESC);
CREATE INDEX admin_audit_actor_idx ON admin_audit_log (actor_id, created_at DESC);
CREATE INDEX admin_audit_target_idx ON admin_audit_log (target_id, created_at DESC);
CREATE INDEX admin_audit_action_idx ON admin_audit_log (action, created_at DESC);

CREATE FUNCTION ocp_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the admin audit log is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit_log
  FOR EACH ROW EXECUTE FUNCTION ocp_audit_append_only();
CREATE TRIGGER admin_audit_no_truncate BEFORE TRUNCATE ON admin_audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION ocp_audit_append_only();

-- A request to refund (part of) a transaction, decided by an operator. `status` moves from
-- pending exactly once, by a conditional UPDATE in the same transaction as the ledger refund.
CREATE TABLE refund_requests (
  id                  TEXT PRIMARY KEY,
  transaction_id      TEXT NOT NULL REFERENCES transactions (id),
  transfer_id         TEXT NOT NULL REFERENCES transfers (id),
  customer_id         TEXT,
  amount              BIGINT NOT NULL CHECK (amount > 0),
  currency            CHAR(3) NOT NULL,
  reason              TEXT NOT NULL,
  status              TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  requested_by        TEXT NOT NULL,
  requested_by_role   TEXT NOT NULL,
  decided_by          TEXT,
  decision_reason     TEXT,
  refund_transfer_id  TEXT REFERENCES transfers (id),
  created_at          TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
  decided_at          TIMESTAMPTZ,
  CONSTRAINT refund_requests_approved_has_transfer CHECK (status <> 'approved' OR refund_transfer_id IS NOT NULL)
);
CREATE INDEX refund_requests_status_idx ON refund_requests (status, created_at DESC, id DESC);
CREATE INDEX refund_requests_created_idx ON refund_requests (created_at DESC, id DESC);
CREATE INDEX refund_requests_transfer_idx ON refund_requests (transfer_id);

-- Flags raised by the monitoring rules. `dedupe_key` makes evaluating a rule twice (a sweep that
-- overlaps the previous one, two instances) raise one alert.
CREATE TABLE monitor_alerts (
  id               TEXT PRIMARY KEY,
  rule             TEXT NOT NULL,
  dedupe_key       TEXT NOT NULL UNIQUE,
  subject_type     TEXT NOT NULL,
  subject_id       TEXT NOT NULL,
  details          JSONB NOT NULL DEFAULT '{}',
  status           TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolved_by      TEXT,
  resolution_note  TEXT,
  resolved_at      TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX monitor_alerts_status_idx ON monitor_alerts (status, created_at DESC, id DESC);
CREATE INDEX monitor_alerts_created_idx ON monitor_alerts (created_at DESC, id DESC);
