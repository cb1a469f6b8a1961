-- Risk scores of money movements (docs/risk.md): one row per scored movement, written in the
-- posting's transaction when it is allowed (movement_id = the transfer), alone when it is refused.
CREATE TABLE risk_scores (
  id             TEXT PRIMARY KEY,
  kind           TEXT NOT NULL,
  movement_id    TEXT,
  wallet_id      TEXT NOT NULL,
  counterparty   TEXT,
  amount         BIGINT NOT NULL,
  currency       CHAR(3) NOT NULL,
  score          DOUBLE PRECISION NOT NULL CHECK (score >= 0 AND score <= 1),
  decision       TEXT NOT NULL CHECK (decision IN ('allow', 'review', 'refuse')),
  reasons        JSONB NOT NULL,
  model_version  TEXT NOT NULL,
  initiated_by   TEXT NOT NULL,
  created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX risk_scores_wallet_created_idx ON risk_scores (wallet_id, created_at DESC, id DESC);
CREATE INDEX risk_scores_created_idx ON risk_scores (created_at DESC, id DESC);
CREATE UNIQUE INDEX risk_scores_movement_idx ON risk_scores (movement_id) WHERE movement_id IS NOT NULL;

-- A movement whose score reached RISK_REVIEW_THRESHOLD: not posted, its money held (holds) until an
-- operator approves (the hold is captured) or rejects (voided). The conditional update of status
-- in the capture's or void's transaction makes one decision win.
CREATE TABLE risk_reviews (
  id           TEXT PRIMARY KEY,
  score_id     TEXT NOT NULL REFERENCES risk_scores (id),
  hold_id      TEXT NOT NULL UNIQUE,
  wallet_id    TEXT NOT NULL,
  status       TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  transfer_id  TEXT,
  decided_by   TEXT,
  decided_at   TIMESTAMPTZ,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX risk_reviews_status_created_idx ON risk_reviews (status, created_at DESC, id DESC);
