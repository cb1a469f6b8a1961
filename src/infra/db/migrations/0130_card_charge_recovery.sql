-- Recovery of card charges left open by a crash or an unknown processor outcome: the sweeper
-- takes charges still 'pending' (outcome unknown) or 'succeeded' (charged, not yet credited) some
-- time after their last change, asks the processor again under the same charge id (which cannot
-- charge twice) and credits the wallet through the usual path (which cannot credit twice).
-- recovery_attempts counts the sweeper's attempts; recovery_due_at is both the lease of the attempt
-- in flight (so two sweepers never work on one charge at once) and the backoff before the next.
-- NULL: never swept. 'infinity': given up, recorded in funding_reconciliation for an operator.
ALTER TABLE card_charges ADD COLUMN recovery_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE card_charges ADD COLUMN recovery_due_at TIMESTAMPTZ(3);
