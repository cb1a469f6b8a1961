-- Merchants on OCP (issue #16 item 1): a user becomes a merchant by binding one of their wallets;
-- the merchant takes that wallet's currency (fixed, so catalog prices and later checkouts never
-- need a conversion). Its catalog holds products priced in that currency, in minor units.
CREATE TABLE merchants (
  id            TEXT PRIMARY KEY,
  owner_id      TEXT NOT NULL REFERENCES users (id),
  wallet_id     TEXT NOT NULL REFERENCES wallets (id),
  currency      CHAR(3) NOT NULL,
  display_name  TEXT NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- The owner's list, newest first, with the (created_at, id) cursor.
CREATE INDEX merchants_owner_created_idx ON merchants (owner_id, created_at DESC, id DESC);

-- A product's id is the merchant's SKU (or a generated prd_…), unique within its merchant only.
CREATE TABLE merchant_products (
  merchant_id   TEXT NOT NULL REFERENCES merchants (id),
  id            TEXT NOT NULL CHECK (char_length(id) BETWEEN 1 AND 64),
  title         TEXT NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  price         BIGINT NOT NULL CHECK (price > 0 AND price <= 1000000000000000),
  currency      CHAR(3) NOT NULL,
  -- NULL: unlimited stock.
  stock         INTEGER CHECK (stock >= 0),
  image_url     TEXT CHECK (char_length(image_url) <= 2048),
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (merchant_id, id)
);
CREATE INDEX merchant_products_list_idx ON merchant_products (merchant_id, created_at DESC, id DESC);

-- A merchant's API credentials are ordinary API clients bound to it: the client-credentials token
-- carries the binding, and the merchant routes let it reach that merchant only.
ALTER TABLE api_clients ADD COLUMN merchant_id TEXT REFERENCES merchants (id);
CREATE INDEX api_clients_merchant_idx ON api_clients (merchant_id, created_at DESC) WHERE merchant_id IS NOT NULL;
