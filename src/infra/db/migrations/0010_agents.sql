-- AI agents acting for an owner (a user): credentials, versioned spending policies, spend
-- counters, payments (including those waiting for the owner's approval) and an append-only audit log.

CREATE TABLE agents (
  id              TEXT PRIMARY KEY,
  owner_id        TEXT NOT NULL REFERENCES users (id),
  name            TEXT NOT NULL,
  description     TEXT,
  wallet_id       TEXT NOT NULL REFERENCES wallets (id),
  client_id       TEXT NOT NULL UNIQUE,
  secret_hash     TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
  policy_version  INTEGER NOT NULL DEFAULT 1,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX agents_owner_created_idx ON agents (owner_id, created_at DESC, id DESC);

-- Every change of an agent's policy is a new row; payments point at the version they were checked against.
CREATE TABLE agent_policies (
  agent_id    TEXT NOT NULL REFERENCES agents (id),
  version     INTEGER NOT NULL,
  rules       JSONB NOT NULL,
  created_by  TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (agent_id, version)
);

-- What an agent spent per UTC day ('d:2026-04-08') and month ('m:2026-04'). Payments lock these
-- rows (FOR UPDATE) in the same transaction as the ledger write, so budgets hold under concurrency.
CREATE TABLE agent_spend_counters (
  agent_id  TEXT NOT NULL REFERENCES agents (id),
  period    TEXT NOT NULL,
  spent     BIGINT NOT NULL DEFAULT 0 CHECK (spent >= 0),
  PRIMARY KEY (agent_id, period)
);

CREATE TABLE agent_payments (
  id                 TEXT PRIMARY KEY,
  agent_id           TEXT NOT NULL REFERENCES agents (id),
  owner_id           TEXT NOT NULL REFERENCES users (id),
  status             TEXT NOT NULL CHECK (status IN ('completed', 'pending_approval', 'declined', 'expired')),
  amount             BIGINT NOT NULL CHECK (amount > 0),
  currency           CHAR(3) NOT NULL,
  from_wallet_id     TEXT NOT NULL REFERENCES wallets (id),
  to_wallet_id       TEXT NOT NULL REFERENCES wallets (id),
  to_agent_id        TEXT,
  merchant_id        TEXT,
  memo               TEXT,
  source             TEXT NOT NULL,
  reference          TEXT,
  policy_version     INTEGER NOT NULL,
  mandate_id         TEXT,
  mandate_hash       TEXT,
  transfer_id        TEXT REFERENCES transfers (id),
  expires_at         TIMESTAMPTZ,
  decided_at         TIMESTAMPTZ,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT agent_payments_completed_has_transfer CHECK ((status = 'completed') = (transfer_id IS NOT NULL))
);
CREATE INDEX agent_payments_agent_created_idx ON agent_payments (agent_id, created_at DESC, id DESC);
CREATE INDEX agent_payments_owner_status_idx ON agent_payments (owner_id, status, created_at DESC, id DESC);
-- One live payment per merchant checkout: a UCP checkout paid again under another Idempotency-Key is refused.
CREATE UNIQUE INDEX agent_payments_checkout_key ON agent_payments (to_wallet_id, reference)
  WHERE source = 'ucp_checkout' AND status IN ('completed', 'pending_approval');
CREATE INDEX agent_payments_mandate_idx ON agent_payments (mandate_id) WHERE mandate_id IS NOT NULL;

-- Every decision about an agent's payment. Append-only, like the ledger entries.
CREATE TABLE agent_audit_log (
  id              TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL,
  owner_id        TEXT NOT NULL,
  payment_id      TEXT,
  decision        TEXT NOT NULL CHECK (decision IN ('allowed', 'refused', 'pending_approval', 'declined', 'expired')),
  rule            TEXT,
  reason          TEXT NOT NULL,
  policy_version  INTEGER,
  amount          BIGINT,
  currency        CHAR(3),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX agent_audit_agent_created_idx ON agent_audit_log (agent_id, created_at DESC, id DESC);
CREATE TRIGGER agent_audit_append_only BEFORE UPDATE OR DELETE ON agent_audit_log
  FOR EACH ROW EXECUTE FUNCTION ocp_append_only();
