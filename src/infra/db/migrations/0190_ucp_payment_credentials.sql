-- UCP payment credentials (issue #16 item 4, docs/ucp-payment-handler.md): an agent asks OCP for a
-- token bound to one business (merchant), one checkout, one amount and currency; the business redeems
-- it once. Only the token's SHA-256 is kept (unique: the lookup on redeem), never the token.
-- Single use is a conditional UPDATE (redeemed_at IS NULL AND expires_at > now) inside the payment's
-- own transaction, so concurrent redemptions pay once.
CREATE TABLE ucp_payment_credentials (
  id            TEXT PRIMARY KEY,
  token_hash    TEXT NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
  agent_id      TEXT NOT NULL REFERENCES agents (id),
  owner_id      TEXT NOT NULL REFERENCES users (id),
  merchant_id   TEXT NOT NULL REFERENCES merchants (id),
  checkout_id   TEXT NOT NULL CHECK (char_length(checkout_id) BETWEEN 1 AND 256),
  amount        BIGINT NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  currency      CHAR(3) NOT NULL,
  -- The owner's ES256 mandate the payment must also satisfy, checked (and its budget locked) on redeem.
  mandate       TEXT CHECK (char_length(mandate) <= 8192),
  expires_at    TIMESTAMPTZ NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  redeemed_at   TIMESTAMPTZ,
  -- Set by the same UPDATE that claims the credential, before the payment row is inserted later in
  -- that transaction: the reference is checked at commit.
  payment_id    TEXT UNIQUE REFERENCES agent_payments (id) DEFERRABLE INITIALLY DEFERRED,
  CHECK ((redeemed_at IS NULL) = (payment_id IS NULL)),
  CHECK (expires_at > created_at)
);
-- The merchant's payments list (newest first) and its checkoutId= filter; only redeemed rows count.
CREATE INDEX ucp_payment_credentials_merchant_idx ON ucp_payment_credentials (merchant_id, redeemed_at DESC, payment_id DESC)
  WHERE payment_id IS NOT NULL;
CREATE INDEX ucp_payment_credentials_checkout_idx ON ucp_payment_credentials (merchant_id, checkout_id) WHERE payment_id IS NOT NULL;
