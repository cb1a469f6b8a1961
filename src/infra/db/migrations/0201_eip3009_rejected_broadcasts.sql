-- A settlement whose broadcast the node refused outright (docs/x402.md, "Rejected broadcasts") is
-- failed without ever having been on chain: its authorization may be settled again, and the gas key's
-- nonce it held, when no other transaction took it, is free for the next settlement, so later ones
-- do not wait behind a gap.
-- The authorization is claimed once among the live settlements only (submitted or settled): a failed
-- one never moved the token (the contract, which also refuses a used nonce, stays the last word).
-- The replay checks read the live one through this index.
ALTER TABLE eip3009_settlements DROP CONSTRAINT eip3009_settlements_chain_id_asset_from_address_auth_nonce_key;
CREATE UNIQUE INDEX eip3009_settlements_live_auth_idx ON eip3009_settlements (chain_id, asset, from_address, auth_nonce)
  WHERE status IN ('submitted', 'settled');
-- The failed settlement's gas nonce, until a later settlement takes it (under the gas key's nonce row lock).
ALTER TABLE eip3009_settlements ADD COLUMN gas_nonce_free BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE eip3009_settlements ADD CONSTRAINT eip3009_settlements_free_nonce_failed_check CHECK (NOT gas_nonce_free OR status = 'failed');
CREATE INDEX eip3009_settlements_free_nonce_idx ON eip3009_settlements (chain_id, gas_wallet_id, gas_nonce) WHERE gas_nonce_free;
