-- What a ledger refund of a card-funded transfer owes the card. The row is written in the refund's
-- own database transaction, so the money leaving the wallet and the obligation to give it back
-- to the card commit together; the processor is asked after the commit, and again by a worker
-- until it answers. The id is the processor's idempotency key, so a retry never refunds twice.
-- status: pending (not yet confirmed by the processor) -> succeeded, or failed (refused, or
-- retried until the limit): a failed row is money an operator must return by hand.
CREATE TABLE card_refunds (
  id                   TEXT PRIMARY KEY,
  refund_transfer_id   TEXT NOT NULL UNIQUE REFERENCES transfers (id),
  charge_id            TEXT NOT NULL REFERENCES card_charges (id),
  processor            TEXT NOT NULL,
  processor_charge_id  TEXT NOT NULL,
  amount               BIGINT NOT NULL CHECK (amount > 0),
  currency             CHAR(3) NOT NULL,
  status               TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed')),
  attempts             INTEGER NOT NULL DEFAULT 0,
  next_attempt_at      TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  last_error           TEXT,
  processor_refund_id  TEXT,
  created_at           TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  updated_at           TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
  CONSTRAINT card_refunds_succeeded_has_processor_id CHECK (status <> 'succeeded' OR processor_refund_id IS NOT NULL)
);
-- The worker's claim: pending rows that are due.
CREATE INDEX card_refunds_due_idx ON card_refunds (next_attempt_at) WHERE status = 'pending';
-- Operators look for refunds that did not reach the card.
CREATE INDEX card_refunds_failed_idx ON card_refunds (updated_at) WHERE status = 'failed';
CREATE INDEX card_refunds_charge_idx ON card_refunds (charge_id);
