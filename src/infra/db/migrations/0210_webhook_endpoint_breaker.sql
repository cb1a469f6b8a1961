-- Per-endpoint circuit breaker of the webhook worker (src/modules/webhook/endpoint-breaker.ts).
-- Kept in the database, not in each process, so every worker instance sees the same state and an
-- operator can read it: closed while consecutive_failures is under WEBHOOK_BREAKER_FAILURES; open
-- while breaker_open_until is in the future (no delivery of the endpoint is claimed, none counts
-- an attempt); half-open once it has passed (one probe per worker instance; success closes it,
-- failure opens it again for twice as long, bounded). breaker_trips counts the openings since the
-- last success and sets that length. Adding columns with constant defaults rewrites nothing.
ALTER TABLE webhook_endpoints
  ADD COLUMN consecutive_failures INTEGER NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
  ADD COLUMN breaker_trips        INTEGER NOT NULL DEFAULT 0 CHECK (breaker_trips >= 0),
  ADD COLUMN breaker_open_until   TIMESTAMPTZ;
-- The open-breakers gauge counts these at each scrape; nearly every endpoint is NULL here.
CREATE INDEX webhook_endpoints_breaker_idx ON webhook_endpoints (breaker_open_until) WHERE breaker_open_until IS NOT NULL;
