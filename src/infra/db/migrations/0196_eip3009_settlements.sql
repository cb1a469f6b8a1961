-- EIP-3009 transferWithAuthorization settlements that OCP submits from its own gas key (the x402
-- facilitator, docs/x402.md). One row per authorization: the unique (chain, asset, from, nonce) refuses
-- a replayed authorization before anything is signed, even under concurrency (the second insert waits
-- for the first and then conflicts). The signed transaction is recorded, with the gas key's nonce,
-- before it is broadcast, so a process that stops between the two loses nothing: at start-up the open
-- ('submitted') rows are broadcast again (the same bytes, the same hash) or read back from their receipt.
CREATE TABLE eip3009_settlements (
  id              TEXT PRIMARY KEY,
  chain_id        BIGINT NOT NULL,
  asset           TEXT NOT NULL,
  from_address    TEXT NOT NULL,
  to_address      TEXT NOT NULL,
  value           NUMERIC(78, 0) NOT NULL CHECK (value > 0),
  auth_nonce      TEXT NOT NULL CHECK (auth_nonce ~ '^0x[0-9a-f]{64}$'),
  valid_before    NUMERIC(78, 0) NOT NULL,
  gas_wallet_id   TEXT NOT NULL,
  gas_nonce       BIGINT NOT NULL CHECK (gas_nonce >= 0),
  tx_hash         TEXT NOT NULL,
  raw_tx          TEXT NOT NULL,
  status          TEXT NOT NULL CHECK (status IN ('submitted', 'settled', 'failed')),
  block_number    BIGINT,
  failure_reason  TEXT,
  created_at      TIMESTAMPTZ NOT NULL,
  updated_at      TIMESTAMPTZ NOT NULL,
  UNIQUE (chain_id, asset, from_address, auth_nonce)
);

-- The reconciler reads the open rows, oldest first.
CREATE INDEX eip3009_settlements_open_idx ON eip3009_settlements (created_at, id) WHERE status = 'submitted';
