-- Card charges that fund wallets. A row is written BEFORE the processor is called, keyed by the
-- caller's idempotency key, and its id is the processor's idempotency key: a retried request
-- finds the row and asks the processor again under the same id, which cannot charge twice.
-- status: pending (asked, outcome unknown) -> succeeded (charged) -> credited (in the ledger),
-- or failed (declined / processing error: definitely not charged).
CREATE TABLE card_charges (
  id                   TEXT PRIMARY KEY,
  scope                TEXT NOT NULL,
  idempotency_key      TEXT NOT NULL,
  purpose              TEXT NOT NULL CHECK (purpose IN ('card_funding', 'auto_top_up')),
  wallet_id            TEXT NOT NULL REFERENCES wallets (id),
  token_id             TEXT NOT NULL,
  amount               BIGINT NOT NULL CHECK (amount > 0),
  currency             CHAR(3) NOT NULL,
  processor            TEXT NOT NULL,
  status               TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'credited')),
  processor_charge_id  TEXT,
  failure_code         TEXT,
  transfer_id          TEXT REFERENCES transfers (id),
  created_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT card_charges_scope_key UNIQUE (scope, idempotency_key),
  CONSTRAINT card_charges_credited_has_transfer CHECK (status <> 'credited' OR transfer_id IS NOT NULL)
);
CREATE INDEX card_charges_wallet_idx ON card_charges (wallet_id, created_at DESC);
-- Operators look for charges stuck between the processor and the ledger.
CREATE INDEX card_charges_open_idx ON card_charges (updated_at) WHERE status IN ('pending', 'succeeded');

-- A charge that succeeded at the processor but could not be credited: money taken from a card
-- that is not (yet) in a wallet. Never deleted; resolved when a later retry credits it.
CREATE TABLE funding_reconciliation (
  charge_id    TEXT PRIMARY KEY REFERENCES card_charges (id),
  reason       TEXT NOT NULL,
  attempts     INTEGER NOT NULL DEFAULT 1,
  resolved_at  TIMESTAMPTZ,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX funding_reconciliation_open_idx ON funding_reconciliation (created_at) WHERE resolved_at IS NULL;
