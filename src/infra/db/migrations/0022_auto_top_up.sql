-- Auto top-up: when a debit takes a wallet below `threshold`, charge `amount` to `token_id`.
-- `running_since` is the claim: one conditional UPDATE sets it, so however many debits cross the
-- threshold at once, one top-up runs. A claim older than a few minutes (a crashed process) is
-- taken over. `consecutive_failures` disables the rule after repeated declines.
CREATE TABLE auto_top_up_settings (
  wallet_id             TEXT PRIMARY KEY REFERENCES wallets (id),
  configured_by         TEXT NOT NULL,
  enabled               BOOLEAN NOT NULL,
  threshold             BIGINT NOT NULL CHECK (threshold >= 0),
  amount                BIGINT NOT NULL CHECK (amount > 0),
  token_id              TEXT NOT NULL,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  disabled_reason       TEXT,
  running_since         TIMESTAMPTZ,
  created_at            TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at            TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The outcome of every top-up that ran.
CREATE TABLE auto_top_up_attempts (
  id              TEXT PRIMARY KEY,
  wallet_id       TEXT NOT NULL REFERENCES wallets (id),
  charge_id       TEXT REFERENCES card_charges (id),
  amount          BIGINT NOT NULL CHECK (amount > 0),
  balance_before  BIGINT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('succeeded', 'failed')),
  failure_code    TEXT,
  transfer_id     TEXT REFERENCES transfers (id),
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX auto_top_up_attempts_wallet_idx ON auto_top_up_attempts (wallet_id, created_at DESC);
