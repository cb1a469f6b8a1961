-- Payouts: money a user sends from a wallet to an outside destination (a card token of theirs, or a
-- bank account they registered with the processor). The wallet is debited into the
-- payouts_in_transit system account in the same transaction that writes the payout row, then the
-- processor is asked under the payout id (its idempotency key):
--   pending  -> paid      (in_transit -> payouts_settled system account)
--   pending  -> failed    (in_transit -> back to the wallet)
--   paid     -> returned  (payouts_settled -> back to the wallet; a late return by the bank)
-- Each change is a conditional UPDATE in the same transaction as its ledger posting, so a second
-- report of the same outcome finds the row already moved and posts nothing.

-- Bank accounts registered with the processor as payout destinations. Only the processor's id for
-- the account and its last four digits are kept: never the account or routing number.
CREATE TABLE payout_destinations (
  id                        TEXT PRIMARY KEY,
  owner_id                  TEXT NOT NULL,
  type                      TEXT NOT NULL CHECK (type IN ('bank_account')),
  processor                 TEXT NOT NULL,
  processor_destination_id  TEXT NOT NULL,
  last4                     TEXT NOT NULL CHECK (last4 ~ '^[0-9]{4}$'),
  country                   CHAR(2) NOT NULL,
  currency                  CHAR(3) NOT NULL,
  bank_name                 TEXT,
  created_at                TIMESTAMPTZ(3) NOT NULL DEFAULT now()
);
CREATE INDEX payout_destinations_owner_idx ON payout_destinations (owner_id, created_at DESC, id DESC);

CREATE TABLE payouts (
  id                    TEXT PRIMARY KEY,
  user_id               TEXT NOT NULL,
  wallet_id             TEXT NOT NULL REFERENCES wallets (id),
  amount                BIGINT NOT NULL CHECK (amount > 0),
  currency              CHAR(3) NOT NULL,
  destination_type      TEXT NOT NULL CHECK (destination_type IN ('card', 'bank_account')),
  -- A token id (card) or a payout_destinations id (bank account); the processor's own id is not kept here.
  destination_id        TEXT NOT NULL,
  destination_last4     TEXT NOT NULL,
  processor             TEXT NOT NULL,
  status                TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'failed', 'returned')),
  processor_payout_id   TEXT UNIQUE,
  failure_code          TEXT,
  debit_transfer_id     TEXT NOT NULL UNIQUE REFERENCES transfers (id),
  settle_transfer_id    TEXT UNIQUE REFERENCES transfers (id),
  -- The transfer that gave the money back to the wallet (failed or returned): at most one.
  reversal_transfer_id  TEXT UNIQUE REFERENCES transfers (id),
  -- The UTC day whose limit the amount counts against (released again if the payout fails).
  limit_day             DATE NOT NULL,
  -- pending: processor attempts; paid: status checks. next_attempt_at NULL: nothing more to do
  -- automatically (settled for good, or left to an operator).
  attempts              INTEGER NOT NULL DEFAULT 0,
  next_attempt_at       TIMESTAMPTZ(3) DEFAULT now(),
  last_error            TEXT,
  paid_at               TIMESTAMPTZ(3),
  created_at            TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at            TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  -- The transfer ids are written in the same transaction as the status, after the posting.
  CONSTRAINT payouts_paid_has_processor_id CHECK (status IN ('pending', 'failed') OR processor_payout_id IS NOT NULL)
);
CREATE INDEX payouts_wallet_idx ON payouts (wallet_id, created_at DESC, id DESC);
-- The workers' claims: pending payouts to send again, paid ones to check for a return.
-- Reconciliation: a processor's payouts paid in a settlement file's period.
CREATE INDEX payouts_processor_paid_idx ON payouts (processor, paid_at, id) WHERE paid_at IS NOT NULL;
CREATE INDEX payouts_due_idx ON payouts (status, next_attempt_at) WHERE next_attempt_at IS NOT NULL;

-- Per user, currency and UTC day: what payouts have taken so far. The limit is checked and raised
-- by one conditional upsert, so concurrent payouts queue on the row and cannot pass it together.
CREATE TABLE payout_daily_totals (
  user_id   TEXT NOT NULL,
  currency  CHAR(3) NOT NULL,
  day       DATE NOT NULL,
  total     BIGINT NOT NULL CHECK (total >= 0),
  PRIMARY KEY (user_id, currency, day)
);
