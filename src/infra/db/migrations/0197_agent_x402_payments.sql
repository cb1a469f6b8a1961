-- x402 payments OCP makes for its agents (POST /api/v1/x402/pay, docs/x402.md): what each agent paid,
-- to whom, for which URL, and what the server answered. The spend counter holds what an agent has
-- committed per UTC day and token: a payment reserves its amount with one conditional upsert before
-- anything is signed, so concurrent payments cannot overrun the daily budget.
CREATE TABLE agent_x402_payments (
  id              TEXT PRIMARY KEY,
  agent_id        TEXT NOT NULL,
  owner_id        TEXT NOT NULL,
  url             TEXT NOT NULL,
  asset           TEXT NOT NULL,
  pay_to          TEXT NOT NULL,
  amount          NUMERIC(78, 0) NOT NULL CHECK (amount > 0),
  auth_nonce      TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('signed', 'paid', 'refused_by_server')),
  http_status     INTEGER,
  settlement_tx   TEXT,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX agent_x402_payments_agent_idx ON agent_x402_payments (agent_id, created_at DESC, id DESC);

CREATE TABLE agent_x402_spend (
  agent_id  TEXT NOT NULL,
  asset     TEXT NOT NULL,
  day       DATE NOT NULL,
  spent     NUMERIC(78, 0) NOT NULL CHECK (spent >= 0),
  PRIMARY KEY (agent_id, asset, day)
);
