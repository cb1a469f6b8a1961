-- Multi-tenancy (docs/tenants.md). A tenant is a platform running OCP for its own users: it owns
-- every row of every table below but the system ones. Each such row carries tenant_id, and
-- row-level security is the backstop behind the service's own scoping: a tenant's transactions run
-- as the role ocp_tenant with ocp.tenant_id set for that transaction only
-- (src/infra/tenant-scope.ts), and ocp_tenant sees and writes only rows of that tenant. With no
-- tenant set it sees nothing. Background work that spans tenants (a worker's scan, verify-ledger,
-- backups) runs as the owner, which row-level security does not apply to, and handles each item
-- inside the item's tenant.

CREATE TABLE tenants (
  id          TEXT PRIMARY KEY CHECK (id ~ '^ten_[a-z0-9_]{1,40}$'),
  name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  -- zod-validated per-tenant configuration (src/modules/tenant): limits, currencies, four eyes,
  -- webhooks, branding. Provider credentials are kept apart, encrypted (envelope, as token_vault).
  settings    JSONB NOT NULL DEFAULT '{}',
  provider_credentials TEXT,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO tenants (id, name) VALUES ('ten_default', 'Default');

-- Public routes (sign-up, login) learn their tenant from the host name they were called on.
CREATE TABLE tenant_hostnames (
  hostname   TEXT PRIMARY KEY CHECK (hostname ~ '^[a-z0-9.-]{1,253}$'),
  tenant_id  TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX tenant_hostnames_tenant_idx ON tenant_hostnames (tenant_id);

DO $$
DECLARE
  system_tables CONSTANT TEXT[] := ARRAY['schema_migrations', 'tenants', 'tenant_hostnames', 'backup_schedule', 'recovery_drills', 'web3_nonces'];
  owned RECORD;
BEGIN
  -- web3_nonces stays shared: a signing address's next nonce, global like the address itself. The
  -- role ocp_tenant and its rights on the tables are granted after every migration
  -- (src/infra/db/tenant-role.ts); tenant-owned tables of later migrations add tenant_id and the
  -- policy themselves.

  FOR owned IN
    SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> ALL (system_tables)
  LOOP
    -- The constant default fills existing rows without rewriting the table; then new rows take the
    -- transaction's tenant, and a write with none set fails NOT NULL instead of landing anywhere.
    -- No foreign key to tenants: a tenant is suspended, never deleted, and a key check on every
    -- ledger entry would cost the posting for nothing the policy does not already hold.
    EXECUTE format('ALTER TABLE %I ADD COLUMN tenant_id TEXT NOT NULL DEFAULT %L', owned.table_name, 'ten_default');
    EXECUTE format($f$ALTER TABLE %I ALTER COLUMN tenant_id SET DEFAULT nullif(current_setting('ocp.tenant_id', true), '')$f$, owned.table_name);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', owned.table_name);
    EXECUTE format($f$CREATE POLICY tenant_isolation ON %I USING (tenant_id = current_setting('ocp.tenant_id', true))$f$, owned.table_name);
  END LOOP;
END $$;

-- A tenant reads its own row (its settings), never another's.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants USING (id = current_setting('ocp.tenant_id', true));

-- An email is a sign-in name within its tenant: two platforms may each have a user with the same one.
DROP INDEX users_email_key;
CREATE UNIQUE INDEX users_email_key ON users (tenant_id, lower(email));

-- Row-level security lets a condition be answered by an index only when its operator is leakproof
-- (it cannot reveal a row the policy hides, e.g. through an error). jsonb containment (@>, the
-- metadata filters' GIN indexes) cannot fail on any pair of values, but is not marked so: without
-- this, every metadata search reads the tenant's transfers in date order. Only a superuser may mark
-- it; a deployment migrating as another role keeps correct but slower metadata searches.
DO $$
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
    ALTER FUNCTION pg_catalog.jsonb_contains(jsonb, jsonb) LEAKPROOF;
  END IF;
END $$;
