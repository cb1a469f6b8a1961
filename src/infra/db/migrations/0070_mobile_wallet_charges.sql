-- Apple Pay and Google Pay funding charge the network token through the same card_charges record
-- (written before the processor is asked, credited in the ledger's transaction). The row is the
-- audit record of a mobile-wallet funding: which session it paid, which token, what the processor
-- said and which transfer credited it. Nothing sensitive is in it (the DPAN stays in the vault).
ALTER TABLE card_charges DROP CONSTRAINT IF EXISTS card_charges_purpose_check;
ALTER TABLE card_charges ADD CONSTRAINT card_charges_purpose_check
  CHECK (purpose IN ('card_funding', 'auto_top_up', 'apple_pay', 'google_pay'));
-- The payment session a mobile-wallet charge paid: a retry under the same Idempotency-Key must name it.
ALTER TABLE card_charges ADD COLUMN payment_session_id TEXT;
CREATE UNIQUE INDEX card_charges_payment_session_key ON card_charges (payment_session_id) WHERE payment_session_id IS NOT NULL;
