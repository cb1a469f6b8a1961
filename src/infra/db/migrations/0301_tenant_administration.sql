-- Tenant administration (docs/tenants.md, src/modules/tenant).

-- Which provider credentials a tenant has set, by name: the platform's views say so without
-- decrypting provider_credentials (an envelope that only the configuration reader opens).
ALTER TABLE tenants ADD COLUMN credential_names TEXT[] NOT NULL DEFAULT '{}';

-- Platform admins manage the tenants. They are operators of the default tenant: the role cannot be
-- held anywhere else, so a tenant's own admins (who grant the other roles) can never reach it.
ALTER TABLE users DROP CONSTRAINT users_admin_role_check;
ALTER TABLE users ADD CONSTRAINT users_admin_role_check
  CHECK (admin_role IN ('admin', 'support', 'finance', 'auditor', 'platform_admin'));
ALTER TABLE users ADD CONSTRAINT users_platform_admin_in_default_tenant
  CHECK (admin_role IS DISTINCT FROM 'platform_admin' OR tenant_id = 'ten_default');

-- A tenant reads its own host names (its admins' view of their tenant); writing them, and finding
-- the tenant of a host name, stay the platform's (system scope).
ALTER TABLE tenant_hostnames ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_hostnames USING (tenant_id = current_setting('ocp.tenant_id', true));
