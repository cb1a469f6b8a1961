-- Wallets and the double-entry ledger.
--
-- A transfer is one movement of value (the journal header); its entries are the rows of
-- `transactions`, one per wallet side, signed (debits negative), summing to zero per transfer.
-- User wallets can never go below zero; system accounts (funding, adjustments, fees) may, since
-- they are where money enters and leaves the ledger. Hot system accounts are spread over shards.

CREATE TABLE wallets (
  id                     TEXT PRIMARY KEY,
  kind                   TEXT NOT NULL CHECK (kind IN ('user', 'system')),
  user_id                TEXT REFERENCES users (id),
  currency               CHAR(3) NOT NULL,
  balance                BIGINT NOT NULL DEFAULT 0,
  status                 TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'frozen', 'closed')),
  label                  TEXT,
  metadata               JSONB NOT NULL DEFAULT '{}',
  low_balance_threshold  BIGINT CHECK (low_balance_threshold >= 0),
  created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT wallets_user_balance_non_negative CHECK (kind = 'system' OR balance >= 0),
  CONSTRAINT wallets_owner_matches_kind CHECK ((kind = 'user') = (user_id IS NOT NULL))
);
CREATE INDEX wallets_user_status_created_idx ON wallets (user_id, status, created_at);
CREATE INDEX wallets_user_created_idx ON wallets (user_id, created_at DESC, id DESC);

CREATE TABLE transfers (
  id               TEXT PRIMARY KEY,
  type             TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed', 'reversed')),
  amount           BIGINT NOT NULL CHECK (amount > 0),
  currency         CHAR(3) NOT NULL,
  from_wallet_id   TEXT NOT NULL REFERENCES wallets (id),
  to_wallet_id     TEXT NOT NULL REFERENCES wallets (id),
  refund_of        TEXT REFERENCES transfers (id),
  refunded_amount  BIGINT NOT NULL DEFAULT 0,
  description      TEXT,
  initiated_by     TEXT NOT NULL,
  metadata         JSONB NOT NULL DEFAULT '{}',
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT transfers_distinct_wallets CHECK (from_wallet_id <> to_wallet_id),
  CONSTRAINT transfers_refunds_within_amount CHECK (refunded_amount >= 0 AND refunded_amount <= amount)
);
CREATE INDEX transfers_status_idx ON transfers (status);
CREATE INDEX transfers_refund_of_idx ON transfers (refund_of) WHERE refund_of IS NOT NULL;
CREATE INDEX transfers_created_idx ON transfers (created_at DESC, id DESC);

-- Ledger entries: append-only. A refund or reversal is a new transfer pointing at the original.
CREATE TABLE transactions (
  id                      TEXT PRIMARY KEY,
  transfer_id             TEXT NOT NULL REFERENCES transfers (id),
  wallet_id               TEXT NOT NULL REFERENCES wallets (id),
  amount                  BIGINT NOT NULL CHECK (amount <> 0),
  balance_after           BIGINT NOT NULL,
  currency                CHAR(3) NOT NULL,
  counterparty_wallet_id  TEXT NOT NULL REFERENCES wallets (id),
  created_at              TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX transactions_wallet_created_idx ON transactions (wallet_id, created_at DESC, id DESC);
CREATE INDEX transactions_transfer_idx ON transactions (transfer_id);

CREATE FUNCTION ocp_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are append-only (% on %)', TG_OP, TG_TABLE_NAME;
END $$;
CREATE TRIGGER transactions_append_only BEFORE UPDATE OR DELETE ON transactions
  FOR EACH ROW EXECUTE FUNCTION ocp_append_only();
CREATE TRIGGER transactions_no_truncate BEFORE TRUNCATE ON transactions
  FOR EACH STATEMENT EXECUTE FUNCTION ocp_append_only();

-- Posts one transfer atomically in a single round trip. Both wallets are locked in id order (so
-- two opposite transfers cannot deadlock), then the conditions that can change between the
-- service's checks and now are checked again under the lock. Errors are raised as 'ocp:<code>'.
CREATE FUNCTION ocp_post_transfer(
  p_transfer_id TEXT, p_type TEXT, p_from TEXT, p_to TEXT, p_amount BIGINT, p_currency TEXT,
  p_debit_id TEXT, p_credit_id TEXT, p_description TEXT, p_initiated_by TEXT, p_refund_of TEXT,
  p_metadata JSONB
) RETURNS TABLE (debit_balance BIGINT, credit_balance BIGINT, posted_at TIMESTAMPTZ)
LANGUAGE plpgsql AS $$
DECLARE
  v_from wallets%ROWTYPE;
  v_to wallets%ROWTYPE;
  v_now TIMESTAMPTZ := now();
BEGIN
  PERFORM 1 FROM wallets WHERE id IN (p_from, p_to) ORDER BY id FOR UPDATE;
  SELECT * INTO v_from FROM wallets WHERE id = p_from;
  SELECT * INTO v_to FROM wallets WHERE id = p_to;
  IF v_from.id IS NULL OR v_to.id IS NULL THEN
    RAISE EXCEPTION 'ocp:wallet_not_found';
  END IF;
  IF v_from.currency <> p_currency OR v_to.currency <> p_currency THEN
    RAISE EXCEPTION 'ocp:currency_mismatch';
  END IF;
  IF v_from.status <> 'active' OR v_to.status <> 'active' THEN
    RAISE EXCEPTION 'ocp:wallet_not_active';
  END IF;
  IF v_from.kind = 'user' AND v_from.balance < p_amount THEN
    RAISE EXCEPTION 'ocp:insufficient_funds';
  END IF;

  UPDATE wallets SET balance = balance - p_amount, updated_at = v_now WHERE id = p_from
    RETURNING balance INTO debit_balance;
  UPDATE wallets SET balance = balance + p_amount, updated_at = v_now WHERE id = p_to
    RETURNING balance INTO credit_balance;

  INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, refund_of,
                         description, initiated_by, metadata, created_at, updated_at)
  VALUES (p_transfer_id, p_type, 'completed', p_amount, p_currency, p_from, p_to, p_refund_of,
          p_description, p_initiated_by, COALESCE(p_metadata, '{}'), v_now, v_now);

  INSERT INTO transactions (id, transfer_id, wallet_id, amount, balance_after, currency, counterparty_wallet_id, created_at)
  VALUES (p_debit_id, p_transfer_id, p_from, -p_amount, debit_balance, p_currency, p_to, v_now),
         (p_credit_id, p_transfer_id, p_to, p_amount, credit_balance, p_currency, p_from, v_now);

  posted_at := v_now;
  RETURN NEXT;
END $$;

-- Idempotency keys: claimed by a unique key in the same transaction as the write they protect.
CREATE TABLE idempotency_keys (
  scope            TEXT NOT NULL,
  key              TEXT NOT NULL,
  request_hash     TEXT NOT NULL,
  response_status  INTEGER NOT NULL,
  response_body    TEXT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  expires_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
