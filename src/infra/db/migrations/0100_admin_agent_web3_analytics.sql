-- The admin analytics summary reads agent payments, agent policy refusals and web3 sends by time,
-- like the transfers and card charges (0050): each figure is a range scan on created_at, never a
-- scan of the table. Only indexes (no new table, so no created_at column to declare).

-- Agent payments by status over a period (completed, pending_approval, declined, expired).
CREATE INDEX agent_payments_created_idx ON agent_payments (created_at) INCLUDE (status);

-- Policy refusals: the agent audit log's refused decisions that name a rule. Partial, so the
-- allowed decisions (most of the log) do not weigh on it.
CREATE INDEX agent_audit_refused_created_idx ON agent_audit_log (created_at) INCLUDE (rule) WHERE decision = 'refused';

-- Web3 sends by chain, asset and status, with the value sent.
CREATE INDEX web3_sends_created_idx ON web3_sends (created_at);
