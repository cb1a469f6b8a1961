import type { Encryptor } from '../../infra/crypto/envelope';
import type { Database } from '../../infra/db/database';
import type { EventFanout } from '../../infra/pubsub/event-fanout';
import type { AuditedActions } from '../../shared/audited-actions';
import { SqlTenantRepository } from './adapters/sql-tenant.repository';
import { OwnTenantService } from './own-tenant.service';
import { PlatformTenantService, type OperatorAccounts } from './platform-tenant.service';
import { CachedTenantConfiguration } from './tenant-configuration';
import { TenantCredentialsVault } from './tenant-credentials-vault';

/** A change heard of late (a missed pub/sub message) is seen within this at the latest. */
const CONFIGURATION_TTL_MS = 60_000;
const HOSTS_CACHED_MAX = 10_000;

export interface TenantConfigurationDeps {
  db: Database;
  encryptor: Encryptor;
  /** How instances tell each other a tenant changed (the container's event fan-out: Redis pub/sub with REDIS_URL). */
  fanout: EventFanout;
}

/**
 * The tenants' configuration every module may read (settings, credentials, status, host names),
 * built early in the container: the modules that follow a tenant's settings take it.
 */
export function createTenantConfiguration({ db, encryptor, fanout }: TenantConfigurationDeps): CachedTenantConfiguration {
  return new CachedTenantConfiguration(new SqlTenantRepository(db), new TenantCredentialsVault(encryptor), fanout, {
    ttlMs: CONFIGURATION_TTL_MS,
    hostsMax: HOSTS_CACHED_MAX,
  });
}

export interface TenantModuleDeps {
  db: Database;
  encryptor: Encryptor;
  configuration: CachedTenantConfiguration;
  /** The admin audit log. */
  audit: AuditedActions;
  /** The admin module's operator accounts: a new tenant's first admin. */
  operators: OperatorAccounts;
  /** Where the platform itself is served (PUBLIC_BASE_URL): no tenant may take it. */
  publicBaseUrl: string;
}

/** Tenant administration: the platform admins' and a tenant's own admins' services. */
export function createTenantModule({ db, encryptor, configuration, audit, operators, publicBaseUrl }: TenantModuleDeps) {
  const repo = new SqlTenantRepository(db);
  return {
    configuration,
    // The URL parser gives the host name in lower case, as the tenants' are kept.
    platform: new PlatformTenantService(
      db,
      repo,
      new TenantCredentialsVault(encryptor),
      configuration,
      audit,
      operators,
      new URL(publicBaseUrl).hostname,
    ),
    own: new OwnTenantService(repo, configuration, audit),
  };
}

export type TenantModule = ReturnType<typeof createTenantModule>;
