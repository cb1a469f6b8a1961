-- UCP checkout sessions and orders of OCP merchants (issue #16 item 2). OCP prices every line from
-- the merchant's catalog: line_items holds the lines as OCP priced them (amounts as strings of minor
-- units) and subtotal/tax/total what they sum to, so a complete pays exactly what the session shows.
-- `version` grows on every change: complete pays the version it read and its conditional UPDATE
-- (status = 'ready_for_complete' AND version = $v) makes a session complete once, at that price.
CREATE TABLE checkout_sessions (
  id                 TEXT PRIMARY KEY,
  merchant_id        TEXT NOT NULL REFERENCES merchants (id),
  status             TEXT NOT NULL CHECK (status IN ('incomplete', 'ready_for_complete', 'completed', 'canceled')),
  currency           CHAR(3) NOT NULL,
  line_items         JSONB NOT NULL,
  messages           JSONB NOT NULL,
  subtotal           BIGINT NOT NULL CHECK (subtotal >= 0),
  tax                BIGINT NOT NULL CHECK (tax >= 0),
  total              BIGINT NOT NULL CHECK (total >= 0),
  buyer              JSONB,
  -- The platform's profile URI from the UCP-Agent header of the request that created the session.
  ucp_agent_profile  TEXT CHECK (char_length(ucp_agent_profile) <= 2048),
  expires_at         TIMESTAMPTZ NOT NULL,
  version            INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX checkout_sessions_merchant_idx ON checkout_sessions (merchant_id, created_at DESC, id DESC);

-- One order per completed checkout (the UNIQUE checkout_id is the last line of defence against a
-- second completion), with the lines and totals copied from the session at completion.
CREATE TABLE merchant_orders (
  id           TEXT PRIMARY KEY,
  merchant_id  TEXT NOT NULL REFERENCES merchants (id),
  checkout_id  TEXT NOT NULL UNIQUE REFERENCES checkout_sessions (id),
  currency     CHAR(3) NOT NULL,
  line_items   JSONB NOT NULL,
  subtotal     BIGINT NOT NULL CHECK (subtotal >= 0),
  tax          BIGINT NOT NULL CHECK (tax >= 0),
  total        BIGINT NOT NULL CHECK (total > 0),
  -- The OCP payment that paid it (the payment-credential redemption).
  payment_id   TEXT NOT NULL,
  buyer        JSONB,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The merchant's order list, newest first, with the (created_at, id) cursor; and the payment lookup by order.
CREATE INDEX merchant_orders_list_idx ON merchant_orders (merchant_id, created_at DESC, id DESC);

-- Tax in basis points of the subtotal (0 to 10000 = 0 % to 100 %), rounded half-up once per checkout.
ALTER TABLE merchants ADD COLUMN tax_rate_bps INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate_bps BETWEEN 0 AND 10000);
-- Where buyers read the merchant's terms (an https URL, optional): checkouts link it as terms_of_service.
ALTER TABLE merchants ADD COLUMN terms_of_service_url TEXT CHECK (char_length(terms_of_service_url) <= 2048);
