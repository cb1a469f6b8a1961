-- Webhook secret rotation with an overlap window (POST /webhooks/{id}/rotate-secret): while
-- previous_secret_expires_at is in the future, deliveries carry a signature with the previous
-- secret beside the current one, so receivers can switch secrets without dropping a delivery.
-- The previous secret is an AES-256-GCM envelope bound to the endpoint id, like secret_ciphertext
-- (and re-encrypted by npm run keys:rotate). Nullable columns: adding them rewrites nothing.
ALTER TABLE webhook_endpoints
  ADD COLUMN previous_secret_ciphertext TEXT,
  ADD COLUMN previous_secret_expires_at TIMESTAMPTZ,
  ADD CONSTRAINT webhook_endpoints_previous_secret_whole
    CHECK ((previous_secret_ciphertext IS NULL) = (previous_secret_expires_at IS NULL));
