-- x402 payments in the agent's audit log (docs/x402.md): every decision about an agent's x402 payment
-- (signed within its policy, refused by a rule) and what the paid server made of it (paid, refused)
-- is a record beside the agent's other payment decisions, read by GET /api/v1/agents/{id}/audit.
-- An x402 amount is in a token's base units, named by `asset` (eip155:<chainId>/erc20:<address>)
-- instead of a currency; a record has one or the other, never both.
ALTER TABLE agent_audit_log ADD COLUMN asset TEXT;
ALTER TABLE agent_audit_log ADD CONSTRAINT agent_audit_log_one_unit_check CHECK (asset IS NULL OR currency IS NULL);
ALTER TABLE agent_audit_log DROP CONSTRAINT agent_audit_log_decision_check;
ALTER TABLE agent_audit_log ADD CONSTRAINT agent_audit_log_decision_check
  CHECK (decision IN ('allowed', 'refused', 'pending_approval', 'declined', 'expired', 'paid', 'refused_by_server'));
