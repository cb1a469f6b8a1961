/**
 * The role row-level security holds to one tenant (migration 0300, docs/tenants.md), with its
 * rights on this schema's tables. Idempotent; run after every migration and after a restore:
 * pg_restore --no-privileges brings the tables back without their grants, and a database restored
 * into another cluster may not have the role at all. Nothing before migration 0300: no tenants yet.
 */
export const TENANT_ROLE_SQL = `DO $$
BEGIN
  IF to_regclass('tenants') IS NULL THEN RETURN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ocp_tenant') THEN
    -- Roles are the cluster's: another schema or instance may create it meanwhile.
    BEGIN
      CREATE ROLE ocp_tenant NOLOGIN;
    EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
    END;
  END IF;
  -- A superuser may switch to any role; any other owner needs membership to switch to this one.
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AND NOT pg_has_role(current_user, 'ocp_tenant', 'MEMBER') THEN
    EXECUTE format('GRANT ocp_tenant TO %I', current_user);
  END IF;
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO ocp_tenant', current_schema());
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO ocp_tenant', current_schema());
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ocp_tenant', current_schema());
  -- The whole database's, no tenant's: the owner's alone.
  REVOKE ALL ON schema_migrations, backup_schedule, recovery_drills FROM ocp_tenant;
  -- A tenant reads its own row and host names; the platform writes them.
  REVOKE INSERT, UPDATE, DELETE ON tenant_hostnames FROM ocp_tenant;
  REVOKE INSERT, DELETE ON tenants FROM ocp_tenant;
END $$`;
