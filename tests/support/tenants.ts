import jwt from 'jsonwebtoken';
import { createLogger } from '../../src/infra/logger';
import { ADMIN_ROLE_PERMISSIONS } from '../../src/modules/auth/permissions';
import { createPlatformAdmin } from '../../src/scripts/create-admin';
import { uniqueEmail, type TestApp } from './test-app';
import { inSystemScope, inTenant } from '../../src/infra/tenant-scope';
import type { TenantConfiguration, TenantCredentials, TenantSettings } from '../../src/shared/tenant-settings';

export const TENANT_ADMIN_PASSWORD = 'tenant-admin-password-42';
const PLATFORM_ADMIN_PASSWORD = 'platform-admin-password-42';

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** A platform admin made as `npm run admin:create -- --platform` makes one, signed in. */
export async function loginPlatformAdmin(t: TestApp) {
  const email = uniqueEmail('platform');
  const code = await createPlatformAdmin(
    t.container.services.admin,
    { email, password: PLATFORM_ADMIN_PASSWORD, platform: true },
    createLogger('error'),
  );
  if (code !== 0) throw new Error('platform admin not created');
  const login = await t.http().post('/api/v1/auth/login').send({ email, password: PLATFORM_ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`platform admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return { email, auth: bearer(login.body.accessToken as string) };
}

/**
 * An access token as the auth module issues one to a user of a tenant (claim tid), signed with the
 * test app's key: the tenant routes are tested apart from how a tenant's user signs in.
 */
export function tokenFor(t: TestApp, user: { id: string; tenantId: string; role: 'admin' | 'user'; permissions: readonly string[] }) {
  const token = jwt.sign({ role: user.role, permissions: user.permissions, tid: user.tenantId }, t.config.JWT_SECRET, {
    algorithm: 'HS256',
    subject: user.id,
    issuer: 'ocp',
    expiresIn: 600,
  });
  return bearer(token);
}

/** Creates a tenant with its first admin through POST /platform/tenants; the admin's token is signed for it. */
export async function createTenant(t: TestApp, platform: Record<string, string>, body: Record<string, unknown> = {}) {
  const admin = { email: uniqueEmail('tenant-admin'), password: TENANT_ADMIN_PASSWORD };
  const res = await t
    .http()
    .post('/api/v1/platform/tenants')
    .set(platform)
    .send({ name: 'Acme', admin, ...body });
  if (res.status !== 201) throw new Error(`tenant not created: ${res.status} ${JSON.stringify(res.body)}`);
  const tenantId = res.body.tenant.id as string;
  const adminId = res.body.admin.id as string;
  return {
    id: tenantId,
    body: res.body,
    admin: {
      id: adminId,
      email: admin.email,
      auth: tokenFor(t, { id: adminId, tenantId, role: 'admin', permissions: ADMIN_ROLE_PERMISSIONS.admin }),
    },
  };
}

/** The second tenant of the per-tenant tests; the first is ten_default. */
export const TENANT_B = 'ten_b';

/**
 * Adds active tenants' rows (as the platform would), so their requests pass the suspended-tenant
 * check; their settings in these tests come from a MemoryTenantConfiguration, not these rows.
 */
export async function addTenants(t: TestApp, ...tenantIds: string[]): Promise<void> {
  await inSystemScope(async () => {
    for (const id of tenantIds) await t.container.db.query('INSERT INTO tenants (id, name) VALUES ($1, $1) ON CONFLICT DO NOTHING', [id]);
  });
}

/**
 * The TenantConfiguration port in memory: what a test sets is what the app reads, at once (the real
 * one caches each tenant's row and hears of changes). Counts reads, so a test can see who asks.
 */
export class MemoryTenantConfiguration implements TenantConfiguration {
  private readonly settings = new Map<string, TenantSettings>();
  private readonly credentials = new Map<string, TenantCredentials>();
  reads = 0;

  set(tenantId: string, settings: TenantSettings): this {
    this.settings.set(tenantId, settings);
    return this;
  }

  setCredentials(tenantId: string, credentials: TenantCredentials): this {
    this.credentials.set(tenantId, credentials);
    return this;
  }

  settingsOf(tenantId: string): Promise<TenantSettings> {
    this.reads += 1;
    return Promise.resolve(this.settings.get(tenantId) ?? {});
  }

  credentialsOf(tenantId: string): Promise<TenantCredentials> {
    return Promise.resolve(this.credentials.get(tenantId) ?? {});
  }
}

const PASSWORD = 'correct-horse-battery';

/**
 * A user of another tenant, registered inside that tenant (its row carries the tenant) with tokens
 * that name it (claim tid), as the tenant's own sign-up would give.
 */
export async function registerTenantUser(t: TestApp, tenantId: string, role: 'user' | 'admin' = 'user', email = uniqueEmail(role)) {
  const registered = await inTenant(tenantId, () => t.container.services.auth.register(email, PASSWORD, role));
  return {
    id: registered.user.id,
    email,
    accessToken: registered.accessToken,
    refreshToken: registered.refreshToken,
    auth: { Authorization: `Bearer ${registered.accessToken}` },
  };
}
