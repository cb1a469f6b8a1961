-- The A2A server (issue #17 items 1-4, docs/a2a.md).
--
-- a2a_tasks: the @a2a-js/sdk TaskStore over OCP's own database, so tasks survive a restart on PGlite
-- and PostgreSQL alike. A task belongs to the agent that called (owner_agent_id): every read filters
-- on it, so another agent's task id reads as not found. `task` is the SDK's Task.toJSON (A2A v1.0
-- JSON); state and context_id are copied out of it for listing and filtering.
CREATE TABLE a2a_tasks (
  id              TEXT PRIMARY KEY CHECK (char_length(id) BETWEEN 1 AND 128),
  context_id      TEXT NOT NULL CHECK (char_length(context_id) <= 128),
  owner_agent_id  TEXT NOT NULL REFERENCES agents (id),
  -- The agent whose card the task was sent to (the payee of receive-payment).
  target_agent_id TEXT NOT NULL REFERENCES agents (id),
  state           TEXT NOT NULL CHECK (char_length(state) <= 64),
  -- The agent payment a receive-payment task made or is waiting on (owner approval moves the task on).
  payment_id      TEXT REFERENCES agent_payments (id),
  task            JSONB NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- tasks/list: the caller's tasks, most recently updated first, optionally of one context.
CREATE INDEX a2a_tasks_owner_updated_idx ON a2a_tasks (owner_agent_id, updated_at DESC, id DESC);
CREATE INDEX a2a_tasks_owner_context_idx ON a2a_tasks (owner_agent_id, context_id);
CREATE INDEX a2a_tasks_payment_idx ON a2a_tasks (payment_id) WHERE payment_id IS NOT NULL;

-- Payment requests (invoices) an agent issues through its request-payment skill. Another agent
-- settles one through the payee's receive-payment skill with {requestId}: the amount and currency
-- come from this row, never from the payer. The row is marked paid by a conditional UPDATE inside
-- the payment's own transaction, so two concurrent settlements pay once.
CREATE TABLE a2a_payment_requests (
  id              TEXT PRIMARY KEY CHECK (id LIKE 'preq\_%'),
  payee_agent_id  TEXT NOT NULL REFERENCES agents (id),
  amount          BIGINT NOT NULL CHECK (amount > 0 AND amount <= 1000000000000000),
  currency        CHAR(3) NOT NULL,
  memo            TEXT CHECK (char_length(memo) <= 500),
  status          TEXT NOT NULL CHECK (status IN ('open', 'paid')),
  expires_at      TIMESTAMPTZ NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
  paid_at         TIMESTAMPTZ,
  payer_agent_id  TEXT REFERENCES agents (id),
  -- Written before the payment row is inserted later in the same transaction: checked at commit.
  payment_id      TEXT UNIQUE REFERENCES agent_payments (id) DEFERRABLE INITIALLY DEFERRED,
  CHECK ((status = 'paid') = (payment_id IS NOT NULL)),
  CHECK (expires_at > created_at)
);
CREATE INDEX a2a_payment_requests_payee_idx ON a2a_payment_requests (payee_agent_id, created_at DESC);
