-- Retention (WEBHOOK_RETENTION_DAYS): settled deliveries are deleted oldest first in bounded
-- batches, found through this index instead of a scan of the whole table. Partial like the
-- worker's index: pending rows are never purged, so they need no entry here.
-- On a large existing table this plain CREATE INDEX blocks writes to webhook_deliveries (the
-- outbox enqueue on the money path) while it builds: create it first by hand with
--   CREATE INDEX CONCURRENTLY webhook_deliveries_settled_idx ON webhook_deliveries (updated_at) WHERE status <> 'pending';
-- and this migration then does nothing (drop and rebuild it if that build failed: it is left INVALID).
CREATE INDEX IF NOT EXISTS webhook_deliveries_settled_idx ON webhook_deliveries (updated_at) WHERE status <> 'pending';
