-- Web3: chain wallets whose keys live in the vault, their on-chain sends, and per-address nonces.
-- owner_id is the principal that created the wallet (a user, or a server-to-server client).
CREATE TABLE web3_wallets (
  id          TEXT PRIMARY KEY,
  owner_id    TEXT NOT NULL,
  address     TEXT NOT NULL UNIQUE,
  chain_id    BIGINT,
  label       TEXT CHECK (char_length(label) <= 100),
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX web3_wallets_owner_idx ON web3_wallets (owner_id, created_at DESC, id DESC);

-- Read and written only by the vault (src/modules/web3/vault). The private key is an AES-256-GCM
-- envelope (infra/crypto/envelope.ts) with the wallet id as AAD; no plaintext column exists.
CREATE TABLE web3_vault_keys (
  -- Deferred: the vault seals the key (and learns the address) before the wallet row is written.
  wallet_id       TEXT PRIMARY KEY REFERENCES web3_wallets (id) DEFERRABLE INITIALLY DEFERRED,
  address         TEXT NOT NULL,
  key_ciphertext  TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The next nonce per (chain, address). A send locks its row (SELECT … FOR UPDATE) for the whole
-- build-sign-broadcast-record transaction, so concurrent sends take distinct nonces in order, and
-- a send that rolls back (broadcast never reached the node) leaves the nonce for the next one.
CREATE TABLE web3_nonces (
  chain_id    BIGINT NOT NULL,
  address     TEXT NOT NULL,
  next_nonce  BIGINT NOT NULL CHECK (next_nonce >= 0),
  PRIMARY KEY (chain_id, address)
);

CREATE TABLE web3_sends (
  id              TEXT PRIMARY KEY,
  wallet_id       TEXT NOT NULL REFERENCES web3_wallets (id),
  owner_id        TEXT NOT NULL,
  chain_id        BIGINT NOT NULL,
  from_address    TEXT NOT NULL,
  to_address      TEXT NOT NULL,
  -- 'native' or the ERC-20 contract address.
  asset           TEXT NOT NULL,
  asset_symbol    TEXT NOT NULL,
  amount          NUMERIC(78, 0) NOT NULL CHECK (amount > 0),
  nonce           BIGINT NOT NULL CHECK (nonce >= 0),
  tx_hash         TEXT NOT NULL UNIQUE,
  -- The signed transaction (public once broadcast), kept so the watcher can broadcast it again
  -- if the node forgets it.
  raw_tx          TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'confirmed', 'failed')),
  block_number    BIGINT,
  gas_used        NUMERIC(78, 0),
  failure_reason  TEXT,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT web3_sends_nonce_key UNIQUE (chain_id, from_address, nonce)
);
CREATE INDEX web3_sends_wallet_idx ON web3_sends (wallet_id, created_at DESC, id DESC);
-- The watcher's query: pending sends only, so confirmed history does not bloat it.
CREATE INDEX web3_sends_pending_idx ON web3_sends (chain_id, created_at) WHERE status = 'pending';
