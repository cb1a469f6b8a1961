-- An x402 payment OCP signed for an agent stays bound to the caller's Idempotency-Key (docs/x402.md,
-- "A retry whose answer was lost"): when the answer to the paid request is lost, the payment stays
-- `signed` with nothing stored under the key, and a retry with that key must send the SAME signed
-- authorization again, never sign another. So a signed payment keeps the key (scope + key, as the
-- idempotency layer scopes keys), the hash of the fetch it paid for, the policy version that allowed
-- it and the signed x402 payload; the payload is cleared once the outcome is known.
ALTER TABLE agent_x402_payments
  ADD COLUMN idempotency_scope TEXT,
  ADD COLUMN idempotency_key   TEXT,
  ADD COLUMN request_hash      TEXT,
  ADD COLUMN policy_version    INTEGER,
  ADD COLUMN signed_payload    TEXT;

-- One unresolved payment per key: two requests with one key (a lapsed in-flight lease) cannot both
-- sign; the second finds the key taken before anything it signed is sent.
CREATE UNIQUE INDEX agent_x402_payments_unresolved_key
  ON agent_x402_payments (idempotency_scope, idempotency_key) WHERE status = 'signed';
