-- An x402 payment whose answer was lost can be proven dead (docs/x402.md, "A retry whose answer was
-- lost"): its authorization is unused on chain and the chain is already past its validBefore, so no
-- block can ever use it. A retry with its key then records it `expired`, gives the day's budget back
-- what it reserved, and pays afresh. The budget's day is kept with the payment for that (null for
-- payments signed before: their reservation stays spent, the safe side).
ALTER TABLE agent_x402_payments DROP CONSTRAINT agent_x402_payments_status_check;
ALTER TABLE agent_x402_payments ADD CONSTRAINT agent_x402_payments_status_check
  CHECK (status IN ('signed', 'paid', 'refused_by_server', 'expired'));
ALTER TABLE agent_x402_payments ADD COLUMN budget_day DATE;
