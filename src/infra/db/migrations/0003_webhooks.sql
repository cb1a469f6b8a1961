-- Webhook endpoints and the transactional outbox of their deliveries.
-- owner_id is the principal that registered the endpoint (a user id for people); it is not a
-- foreign key so that server-to-server clients can own endpoints too.
CREATE TABLE webhook_endpoints (
  id                 TEXT PRIMARY KEY,
  owner_id           TEXT NOT NULL,
  url                TEXT NOT NULL CHECK (char_length(url) <= 2048),
  events             TEXT[] NOT NULL CHECK (cardinality(events) > 0),
  -- AES-256-GCM envelope (infra/crypto/envelope.ts) with the endpoint id as AAD.
  secret_ciphertext  TEXT NOT NULL,
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The outbox's enqueue probes this on every money movement: it must be an index lookup.
CREATE INDEX webhook_endpoints_owner_idx ON webhook_endpoints (owner_id, created_at);

-- One row per (event, endpoint). Rows are written in the same transaction as the change they
-- describe, so a rolled-back change never produces a delivery. Deleting an endpoint drops its
-- deliveries: nothing more is sent to a URL its owner removed.
CREATE TABLE webhook_deliveries (
  id               TEXT PRIMARY KEY DEFAULT ('whd_' || replace(gen_random_uuid()::text, '-', '')),
  endpoint_id      TEXT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  event_id         TEXT NOT NULL,
  event_type       TEXT NOT NULL,
  occurred_at      TIMESTAMPTZ NOT NULL,
  payload          JSONB NOT NULL,
  traceparent      TEXT,
  status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- While pending: when the next attempt is due. A claimed row gets a lease here, so a worker
  -- that dies mid-attempt only delays the delivery.
  next_attempt_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  last_error       TEXT,
  delivered_at     TIMESTAMPTZ,
  created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- An event enqueued twice (a retried caller) is still delivered once per endpoint.
  CONSTRAINT webhook_deliveries_event_endpoint_key UNIQUE (endpoint_id, event_id)
);
-- The worker's query: pending rows by due time. Partial, so delivered history does not bloat it.
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
