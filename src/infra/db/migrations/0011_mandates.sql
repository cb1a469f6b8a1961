-- Signed owner mandates (after AP2): the P-256 keys that sign them, and what each mandate has spent.

-- An owner's public keys (kind 'owner': the owner holds the private key) and the keys OCP holds to
-- sign for an owner on their authenticated request (kind 'ocp': private key AES-GCM encrypted, kid as AAD).
CREATE TABLE mandate_keys (
  kid                    TEXT PRIMARY KEY,
  owner_id               TEXT NOT NULL REFERENCES users (id),
  kind                   TEXT NOT NULL CHECK (kind IN ('owner', 'ocp')),
  public_jwk             JSONB NOT NULL,
  private_key_encrypted  TEXT,
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT mandate_keys_private_only_for_ocp CHECK ((kind = 'ocp') = (private_key_encrypted IS NOT NULL))
);
CREATE INDEX mandate_keys_owner_kind_idx ON mandate_keys (owner_id, kind, created_at);

-- Spent under one signed mandate (its SHA-256), locked FOR UPDATE by each payment that uses it.
CREATE TABLE mandate_usage (
  mandate_hash  TEXT PRIMARY KEY,
  mandate_id    TEXT NOT NULL,
  owner_id      TEXT NOT NULL,
  agent_id      TEXT NOT NULL,
  spent         BIGINT NOT NULL DEFAULT 0 CHECK (spent >= 0),
  uses          INTEGER NOT NULL DEFAULT 0,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
