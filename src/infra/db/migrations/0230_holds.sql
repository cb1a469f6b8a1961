-- Holds (two-phase transfers): money reserved in a user wallet for one payee, then captured (posted
-- as a normal transfer), voided or expired. A pending hold's amount is counted in its source
-- wallet's `held`: the booked balance does not move, the available balance (balance - held) drops.
--
-- `held` is changed only under the wallet's row lock, together with the hold whose state explains
-- it, so a wallet's held always equals the sum of its pending holds (npm run verify-ledger checks).
-- held <= balance for user wallets that hold anything: postings check the available balance
-- (below), so a debit can never take the balance under what is held. (A wallet holding nothing is
-- left to wallets_user_balance_non_negative.)
ALTER TABLE wallets ADD COLUMN held BIGINT NOT NULL DEFAULT 0;
ALTER TABLE wallets ADD CONSTRAINT wallets_held_within_balance
  CHECK (held >= 0 AND (kind = 'system' OR held = 0 OR held <= balance));

CREATE TABLE holds (
  id                   TEXT PRIMARY KEY,
  status               TEXT NOT NULL CHECK (status IN ('pending', 'captured', 'voided', 'expired')),
  amount               BIGINT NOT NULL CHECK (amount > 0),
  captured_amount      BIGINT NOT NULL DEFAULT 0,
  currency             CHAR(3) NOT NULL,
  from_wallet_id       TEXT NOT NULL REFERENCES wallets (id),
  to_wallet_id         TEXT NOT NULL REFERENCES wallets (id),
  description          TEXT,
  created_by           TEXT NOT NULL,
  expires_at           TIMESTAMPTZ NOT NULL,
  -- The capture's transfer: written in the capture's transaction after the posting, so the key is
  -- checked at commit.
  capture_transfer_id  TEXT REFERENCES transfers (id) DEFERRABLE INITIALLY DEFERRED,
  settled_at           TIMESTAMPTZ,
  created_at           TIMESTAMPTZ(3) NOT NULL DEFAULT now(),  -- cursor pages: millisecond precision, see 0090
  updated_at           TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT holds_distinct_wallets CHECK (from_wallet_id <> to_wallet_id),
  CONSTRAINT holds_captured_within_amount CHECK (captured_amount >= 0 AND captured_amount <= amount),
  CONSTRAINT holds_settled_when_not_pending CHECK ((status = 'pending') = (settled_at IS NULL))
);
-- A wallet's holds, newest first, whichever side it is on (GET /wallets/{id}/holds).
CREATE INDEX holds_from_wallet_created_idx ON holds (from_wallet_id, created_at DESC, id DESC);
CREATE INDEX holds_to_wallet_created_idx ON holds (to_wallet_id, created_at DESC, id DESC);
-- The expiry worker's claim: pending holds by expiry, small because settled holds leave it.
CREATE INDEX holds_pending_expiry_idx ON holds (expires_at) WHERE status = 'pending';

-- ocp_post_transfers as in 0160, with two changes:
-- 1. A user wallet's debit is checked against its available balance (balance - held), so held money
--    cannot leave by a transfer, a refund, an adjustment or any other posting. `held` is read under
--    the same row locks as the balance.
-- 2. A posting is stamped with the clock read once its wallets are locked, not with now() (when its
--    transaction began). Postings to one wallet take its lock one after another, so their times
--    follow the order of their balances; before, a transaction that began first but got the lock
--    second was stamped before the posting it waited for, and a balance at an instant between the
--    two (GET /wallets/:id/balance?at=, statements) read a balance_after that already counted the
--    later posting. Entries' seq (0250) is drawn after the lock too, so (created_at, seq) is the
--    order of a wallet's balances.
CREATE OR REPLACE FUNCTION ocp_post_transfers(
  p_transfer_ids TEXT[], p_types TEXT[], p_from TEXT[], p_to TEXT[], p_amounts BIGINT[], p_currencies TEXT[],
  p_debit_ids TEXT[], p_credit_ids TEXT[], p_descriptions TEXT[], p_initiated_by TEXT[], p_refund_of TEXT[],
  p_metadata JSONB[]
) RETURNS TABLE (refusal TEXT, debit_balance BIGINT, credit_balance BIGINT, posted_at TIMESTAMPTZ)
LANGUAGE plpgsql AS $$
DECLARE
  -- Read once the locks are held (below), not at the start of the transaction.
  v_now TIMESTAMPTZ;
  -- The group's wallets, locked and read once; balances are then kept here and each wallet is
  -- written once at the end, however many of the group's transfers touch it (a hot wallet would
  -- otherwise pile up one row version per transfer, each read through the ones before it).
  v_ids TEXT[];
  v_balances BIGINT[];
  v_held BIGINT[];
  v_kinds TEXT[];
  v_statuses TEXT[];
  v_currencies TEXT[];
  v_touched BOOLEAN[];
  v_from INT;
  v_to INT;
  v_posted BOOLEAN[] := '{}';
  v_debits BIGINT[] := '{}';
  v_credits BIGINT[] := '{}';
BEGIN
  SELECT array_agg(w.id ORDER BY w.id), array_agg(w.balance ORDER BY w.id), array_agg(w.held ORDER BY w.id),
         array_agg(w.kind ORDER BY w.id), array_agg(w.status ORDER BY w.id), array_agg(w.currency::text ORDER BY w.id),
         array_agg(false)
    INTO v_ids, v_balances, v_held, v_kinds, v_statuses, v_currencies, v_touched
    FROM (SELECT id, balance, held, kind, status, currency FROM wallets
           WHERE id = ANY (p_from || p_to) ORDER BY id FOR UPDATE) w;
  -- At created_at's precision (0090), so the time a posting answers with is the one read back later.
  v_now := clock_timestamp()::timestamptz(3);
  posted_at := v_now;
  FOR i IN 1 .. cardinality(p_transfer_ids) LOOP
    v_from := array_position(v_ids, p_from[i]);
    v_to := array_position(v_ids, p_to[i]);
    refusal := CASE
      WHEN v_from IS NULL OR v_to IS NULL THEN 'wallet_not_found'
      WHEN v_currencies[v_from] <> p_currencies[i] OR v_currencies[v_to] <> p_currencies[i] THEN 'currency_mismatch'
      WHEN v_statuses[v_from] <> 'active' OR v_statuses[v_to] <> 'active' THEN 'wallet_not_active'
      -- The available balance: what is held for pending holds is not the wallet's to spend.
      WHEN v_kinds[v_from] = 'user' AND v_balances[v_from] - v_held[v_from] < p_amounts[i] THEN 'insufficient_funds'
      -- In NUMERIC, so the check itself cannot overflow: a BIGINT sum past 2^63 - 1 would raise and
      -- fail the whole group (a 500) instead of refusing this one transfer.
      WHEN v_balances[v_from]::numeric - p_amounts[i] < -9223372036854775807
        OR v_balances[v_to]::numeric + p_amounts[i] > 9223372036854775807 THEN 'amount_out_of_range'
    END;
    debit_balance := NULL;
    credit_balance := NULL;
    IF refusal IS NULL THEN
      v_balances[v_from] := v_balances[v_from] - p_amounts[i];
      v_balances[v_to] := v_balances[v_to] + p_amounts[i];
      v_touched[v_from] := true;
      v_touched[v_to] := true;
      debit_balance := v_balances[v_from];
      credit_balance := v_balances[v_to];
    END IF;
    v_posted := v_posted || (refusal IS NULL);
    v_debits := v_debits || debit_balance;
    v_credits := v_credits || credit_balance;
    RETURN NEXT;
  END LOOP;

  UPDATE wallets w SET balance = u.balance, updated_at = v_now
    FROM unnest(v_ids, v_balances, v_touched) AS u(id, balance, touched)
   WHERE w.id = u.id AND u.touched;

  INSERT INTO transfers (id, type, status, amount, currency, from_wallet_id, to_wallet_id, refund_of,
                         description, initiated_by, metadata, created_at, updated_at)
  SELECT t.id, t.type, 'completed', t.amount, t.currency, t.from_id, t.to_id, t.refund_of,
         t.description, t.initiated_by, COALESCE(t.metadata, '{}'), v_now, v_now
    FROM unnest(p_transfer_ids, p_types, p_from, p_to, p_amounts, p_currencies, p_refund_of,
                p_descriptions, p_initiated_by, p_metadata, v_posted)
         AS t(id, type, from_id, to_id, amount, currency, refund_of, description, initiated_by, metadata, posted)
   WHERE t.posted;

  INSERT INTO transactions (id, transfer_id, wallet_id, amount, balance_after, currency, counterparty_wallet_id, created_at)
  SELECT e.id, e.transfer_id, e.wallet_id, e.amount, e.balance_after, e.currency, e.counterparty, v_now
    FROM unnest(p_transfer_ids, p_from, p_to, p_amounts, p_currencies, p_debit_ids, p_credit_ids, v_debits, v_credits, v_posted)
         AS t(transfer_id, from_id, to_id, amount, currency, debit_id, credit_id, debit_balance, credit_balance, posted)
   CROSS JOIN LATERAL (VALUES
     (t.debit_id, t.transfer_id, t.from_id, -t.amount, t.debit_balance, t.currency, t.to_id),
     (t.credit_id, t.transfer_id, t.to_id, t.amount, t.credit_balance, t.currency, t.from_id)
   ) AS e(id, transfer_id, wallet_id, amount, balance_after, currency, counterparty)
   WHERE t.posted;
END $$;
