import { randomBytes } from 'node:crypto';
import { inSystemScope, inTenant } from '../../infra/tenant-scope';
import type { AuditedActions, OperatorContext } from '../../shared/audited-actions';
import { Conflict, Forbidden, NotFound } from '../../shared/errors';
import { toPage, type Cursor, type Page } from '../../shared/pagination';
import { DEFAULT_TENANT_ID, type TenantCredentials, type TenantSettings } from '../../shared/tenant-settings';
import type { TransactionRunner } from '../../shared/transaction';
import { assertAcceptablePassword } from '../auth';
import type { CachedTenantConfiguration } from './tenant-configuration';
import type { TenantCredentialsVault } from './tenant-credentials-vault';
import { auditedTenant, patchedSettings, type TenantSettingsPatch } from './tenant-settings-patch';
import { HostnameTaken, type Tenant, type TenantRepository, type TenantStatus } from './tenant.repository';

/** A platform admin acting: who, and the tenant their token is of (only the default tenant's may act). */
export interface PlatformActor extends OperatorContext {
  tenantId: string;
}

/** Creates a tenant's operators: the admin module's operator accounts, called inside the new tenant. */
export interface OperatorAccounts {
  create(ctx: OperatorContext, input: { email: string; password: string; role: 'admin' }): Promise<{ id: string; email: string }>;
}

export interface NewTenant {
  name: string;
  settings?: TenantSettings;
  hostnames?: string[];
  /** The tenant's first admin, created inside it. */
  admin?: { email: string; password: string };
}

export interface TenantUpdate {
  name?: string;
  status?: TenantStatus;
  settings?: TenantSettingsPatch;
  hostnames?: string[];
}

/**
 * What platform admins do with tenants (docs/tenants.md, "Platform administration"). The tenants
 * table is the platform's, not a tenant's: reads and writes run in system scope, and each action is
 * recorded in the acting admin's (the default tenant's) audit log, credentials never included.
 */
export class PlatformTenantService {
  constructor(
    private readonly db: TransactionRunner,
    private readonly repo: TenantRepository,
    private readonly vault: TenantCredentialsVault,
    private readonly configuration: Pick<CachedTenantConfiguration, 'changed'>,
    private readonly audit: AuditedActions,
    private readonly operators: OperatorAccounts,
    /** PUBLIC_BASE_URL's: a tenant holding it would take the platform's own sign-in and public pages. */
    private readonly platformHostname: string,
  ) {}

  /** Newest first. Errors: forbidden. */
  async list(actor: PlatformActor, limit: number, after?: Cursor): Promise<Page<Tenant>> {
    assertPlatform(actor);
    return toPage(await inSystemScope(() => this.repo.list(limit, after)), limit);
  }

  /** Errors: forbidden, tenant_not_found. */
  async get(actor: PlatformActor, id: string): Promise<Tenant> {
    assertPlatform(actor);
    return (await inSystemScope(() => this.repo.find(id))) ?? tenantNotFound();
  }

  /**
   * Creates a tenant and, when asked, its first admin inside it. The password is checked before
   * anything is written, so a refused one leaves no tenant behind.
   * Errors: forbidden, password_too_short, password_too_common, hostname_taken.
   */
  async create(actor: PlatformActor, input: NewTenant): Promise<{ tenant: Tenant; admin?: { id: string; email: string } }> {
    assertPlatform(actor);
    if (input.admin) assertAcceptablePassword(input.admin.password, 'body.admin.password');
    const id = `ten_${randomBytes(8).toString('hex')}`;
    const entry = { action: 'tenant.create', targetType: 'tenant', targetId: id };
    return this.audit.recordingRefusals(actor, entry, async () => {
      this.assertNotPlatformHost(input.hostnames);
      const tenant = await this.write(() =>
        this.db.transaction((tx) =>
          this.repo.insert(tx, { id, name: input.name, settings: input.settings ?? {}, hostnames: input.hostnames ?? [] }),
        ),
      );
      this.configuration.changed(id);
      // The first admin belongs to the new tenant; its audit row goes to that tenant's log.
      const created = input.admin ? await inTenant(id, () => this.operators.create(actor, { ...input.admin!, role: 'admin' })) : undefined;
      const admin = created ? { id: created.id, email: created.email } : undefined;
      await this.audit.run(actor, entry, async () => ({
        result: undefined,
        after: { ...auditedTenant(tenant), ...(admin ? { adminId: admin.id } : {}) },
      }));
      return { tenant, ...(admin ? { admin } : {}) };
    });
  }

  /**
   * Changes a tenant's name, status, settings (section by section) or host names.
   * Errors: forbidden, tenant_not_found, default_tenant_not_suspendable, hostname_taken.
   */
  async update(actor: PlatformActor, id: string, changes: TenantUpdate): Promise<Tenant> {
    assertPlatform(actor);
    const entry = { action: 'tenant.update', targetType: 'tenant', targetId: id };
    return this.audit.recordingRefusals(actor, entry, async () => {
      // Platform admins are the default tenant's users: suspending it would lock them all out.
      if (id === DEFAULT_TENANT_ID && changes.status === 'suspended') {
        throw new Conflict('default_tenant_not_suspendable', 'The default tenant cannot be suspended: the platform admins belong to it');
      }
      this.assertNotPlatformHost(changes.hostnames);
      const { before, after } = await this.write(() =>
        this.db.transaction(async (tx) => {
          const before = (await this.repo.find(id, tx)) ?? tenantNotFound();
          const { settings, ...rest } = changes;
          const after = await this.repo.update(tx, id, {
            ...rest,
            ...(settings ? { settings: patchedSettings(before.settings, settings) } : {}),
          });
          return { before, after: after! };
        }),
      );
      this.configuration.changed(id);
      await this.audit.run(actor, entry, async () => ({ result: undefined, before: auditedTenant(before), after: auditedTenant(after) }));
      return after;
    });
  }

  /**
   * Replaces a tenant's provider credentials (an empty object removes them). They are encrypted
   * before they are stored; the answer, the audit log and the logs only ever name which are set.
   * Errors: forbidden, tenant_not_found.
   */
  async setCredentials(actor: PlatformActor, id: string, credentials: TenantCredentials): Promise<Tenant> {
    assertPlatform(actor);
    const names = Object.keys(credentials).sort();
    const entry = { action: 'tenant.credentials.set', targetType: 'tenant', targetId: id };
    return this.audit.recordingRefusals(actor, entry, async () => {
      const tenant = await this.write(() =>
        this.db.transaction((tx) => this.repo.setCredentials(tx, id, this.vault.seal(id, credentials), names)),
      );
      if (!tenant) tenantNotFound();
      this.configuration.changed(id);
      await this.audit.run(actor, entry, async () => ({ result: undefined, after: { credentialNames: names } }));
      return tenant;
    });
  }

  private assertNotPlatformHost(hostnames: readonly string[] | undefined): void {
    const taken = hostnames?.find((hostname) => hostname === this.platformHostname);
    if (taken) throw new Conflict('hostname_taken', `The host name ${taken} is the platform's own`, { hostname: taken });
  }

  /** A write to the tenants table: the platform's, in system scope. */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await inSystemScope(work);
    } catch (error) {
      if (error instanceof HostnameTaken) {
        const which = error.hostname ? `The host name ${error.hostname}` : 'A host name given';
        throw new Conflict('hostname_taken', `${which} already belongs to a tenant`, { hostname: error.hostname });
      }
      throw error;
    }
  }
}

/** Platform powers are only ever the default tenant's, whatever a token of another tenant claims. */
function assertPlatform(actor: PlatformActor): void {
  if (actor.tenantId !== DEFAULT_TENANT_ID) {
    throw new Forbidden('Only platform admins of the default tenant manage tenants');
  }
}

function tenantNotFound(): never {
  throw new NotFound('The tenant does not exist', 'tenant_not_found');
}
