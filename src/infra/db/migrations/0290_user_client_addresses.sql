-- The addresses a user signs in from (docs/risk.md, feature new_ip): written at registration, login
-- and token refresh, as Express sees the client (req.ip, which honours TRUST_PROXY: never a header
-- the caller picks unless a trusted proxy set it). At most a few per user: recording one removes the
-- least recently seen beyond the bound (SqlAuthRepository.recordClientAddress), so a user's rows
-- never grow and the risk screen reads them with one bounded index walk.
CREATE TABLE user_client_addresses (
  user_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  address        TEXT NOT NULL CHECK (length(address) BETWEEN 1 AND 64),
  first_seen_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_seen_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, address)
);
