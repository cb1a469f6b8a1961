-- Apple Pay and Google Pay payment data are single-use. Every accepted payment token leaves a keyed
-- fingerprint here (HMAC-SHA256 of the Apple Pay transactionId / the Google Pay signedMessage, never
-- the token itself), taken before the processor is asked: the primary key makes a replay, in
-- another session or by another user, and a concurrent double submission lose the insert.
-- A claim is deleted again only when the processor was never asked (the payment data can be sent
-- again); once a charge was attempted, whatever its outcome, the claim stays for good.
CREATE TABLE payment_data_claims (
  fingerprint TEXT PRIMARY KEY,
  method TEXT NOT NULL CHECK (method IN ('apple_pay', 'google_pay')),
  payment_session_id TEXT NOT NULL,
  claimed_by TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
