-- The delivery log (GET /webhooks/{id}/deliveries): what the receiver last answered and when the
-- last attempt ended, so an owner can see why a delivery is retried without reading our logs.
-- Adding nullable columns rewrites nothing.
ALTER TABLE webhook_deliveries
  ADD COLUMN last_response_code INTEGER,
  ADD COLUMN last_attempt_at    TIMESTAMPTZ;
-- The log lists one endpoint's deliveries newest first by (created_at, id) cursor pages.
-- On a large table build it first by hand with CREATE INDEX CONCURRENTLY (same name); this then does nothing.
CREATE INDEX IF NOT EXISTS webhook_deliveries_endpoint_created_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
