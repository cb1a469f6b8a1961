-- Payment tokens. `payment_tokens` is OCP's record of every token, whichever provider holds the
-- card data: who owns it and what may be shown (brand, last4, expiry). No card data here.
CREATE TABLE payment_tokens (
  id                 TEXT PRIMARY KEY,
  owner_id           TEXT NOT NULL,
  provider           TEXT NOT NULL,
  provider_token_id  TEXT NOT NULL,
  type               TEXT NOT NULL CHECK (type IN ('card', 'apple_pay', 'google_pay')),
  brand              TEXT NOT NULL,
  last4              TEXT NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  exp_month          SMALLINT NOT NULL CHECK (exp_month BETWEEN 1 AND 12),
  exp_year           SMALLINT NOT NULL,
  fingerprint        TEXT,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT payment_tokens_provider_ref_key UNIQUE (provider, provider_token_id)
);
CREATE INDEX payment_tokens_owner_idx ON payment_tokens (owner_id, created_at DESC, id DESC);

-- The local vault (TOKEN_PROVIDER=local): the sensitive data as one AES-256-GCM envelope per row
-- (infra/crypto/envelope.ts, AAD = the row id). `npm run keys:rotate` re-encrypts `ciphertext`.
-- The fingerprint is an HMAC of the number under a secret key, never a plain hash.
CREATE TABLE token_vault (
  id           TEXT PRIMARY KEY,
  type         TEXT NOT NULL CHECK (type IN ('card', 'apple_pay', 'google_pay')),
  brand        TEXT NOT NULL,
  last4        TEXT NOT NULL,
  exp_month    SMALLINT NOT NULL,
  exp_year     SMALLINT NOT NULL,
  fingerprint  TEXT NOT NULL,
  ciphertext   TEXT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
