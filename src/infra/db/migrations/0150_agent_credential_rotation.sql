-- An owner can rotate an agent's secret. Each rotation counts up credentials_version; an agent's
-- access token carries the version it was issued under, so the tokens issued before a rotation
-- stop working with the old secret (a leaked secret may have leaked with its tokens).
ALTER TABLE agents ADD COLUMN credentials_version INTEGER NOT NULL DEFAULT 1;
