-- A2A push notifications and the approval-expiry sweep (issue #17 item 3, docs/a2a.md).
--
-- a2a_push_configs: the push-notification configs (A2A v1.0) an agent sets on its own A2A tasks,
-- kept in OCP's database so they survive a restart and every instance of a deployment pushes the
-- same task changes.
--
-- A config belongs to the agent that set it (owner_agent_id): every read filters on it, and the
-- pusher looks configs up with the task's owner, so another agent's configs are never read or used.
-- No foreign key to a2a_tasks: a config given with SendMessage is saved before its task is.
-- `id` is derived from (owner, task, config id), so replacing a config keeps its row and the
-- AAD its secrets are encrypted under.
CREATE TABLE a2a_push_configs (
  id                 TEXT PRIMARY KEY CHECK (id LIKE 'apn\_%'),
  owner_agent_id     TEXT NOT NULL REFERENCES agents (id),
  task_id            TEXT NOT NULL CHECK (char_length(task_id) BETWEEN 1 AND 128),
  config_id          TEXT NOT NULL CHECK (char_length(config_id) BETWEEN 1 AND 128),
  url                TEXT NOT NULL CHECK (char_length(url) BETWEEN 1 AND 2048),
  -- AuthenticationInfo.scheme (e.g. Bearer); its credentials and the config's token are secrets.
  auth_scheme        TEXT CHECK (char_length(auth_scheme) <= 64),
  -- Encryptor envelope of {"token","credentials"} under `id` as AAD; NULL when the config has neither.
  secrets_ciphertext TEXT,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  UNIQUE (owner_agent_id, task_id, config_id)
);

-- The approval-expiry sweep (AgentPaymentService.expireOverdue, every minute): pending payments of
-- any owner whose window has passed, found without scanning every payment. Once expired, an A2A task
-- waiting on one fails and is pushed without its owner having to look.
CREATE INDEX agent_payments_pending_expiry_idx ON agent_payments (expires_at) WHERE status = 'pending_approval';
