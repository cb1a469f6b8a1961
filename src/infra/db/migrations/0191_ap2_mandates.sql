-- AP2 mandates in UCP checkouts (issue #16 item 5).
--
-- A merchant signs the checkouts it answers (ap2.merchant_authorization) with its own P-256 key.
-- The private key is encrypted with the Encryptor, its kid as associated data. At most one key per
-- merchant is active (retired_at NULL): the partial unique index makes two concurrent first uses
-- agree on one key (the loser's INSERT ... ON CONFLICT DO NOTHING inserts nothing).
CREATE TABLE merchant_signing_keys (
  kid                    TEXT PRIMARY KEY CHECK (kid LIKE 'msk\_%'),
  merchant_id            TEXT NOT NULL REFERENCES merchants (id),
  public_jwk             JSONB NOT NULL,
  private_key_encrypted  TEXT NOT NULL,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  retired_at             TIMESTAMPTZ
);
CREATE UNIQUE INDEX merchant_signing_keys_active_idx ON merchant_signing_keys (merchant_id) WHERE retired_at IS NULL;
CREATE INDEX merchant_signing_keys_merchant_idx ON merchant_signing_keys (merchant_id, created_at);

-- A checkout mandate completes one checkout once: the completing transaction inserts its hash
-- (SHA-256 of the issuer-signed JWT) and a second use finds the primary key taken.
CREATE TABLE ap2_used_mandates (
  mandate_hash  TEXT PRIMARY KEY CHECK (mandate_hash ~ '^[0-9a-f]{64}$'),
  merchant_id   TEXT NOT NULL REFERENCES merchants (id),
  checkout_id   TEXT NOT NULL CHECK (char_length(checkout_id) BETWEEN 1 AND 128),
  used_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX ap2_used_mandates_checkout_idx ON ap2_used_mandates (merchant_id, checkout_id);
