import type { Cursor } from '../../shared/pagination';
import type { TenantSettings } from '../../shared/tenant-settings';
import type { Transaction } from '../../shared/transaction';

export const TENANT_STATUSES = ['active', 'suspended'] as const;
export type TenantStatus = (typeof TENANT_STATUSES)[number];

/** A tenant as the platform sees it. Its provider credentials are only named here, never shown. */
export interface Tenant {
  id: string;
  name: string;
  status: TenantStatus;
  settings: TenantSettings;
  hostnames: string[];
  /** Which provider credentials are set (keys of TenantCredentials), from the column kept beside the envelope. */
  credentialNames: string[];
  createdAt: Date;
  updatedAt: Date;
}

/** What a change may touch; an absent field stays as it is, `hostnames` replaces the whole list. */
export interface TenantChanges {
  name?: string;
  status?: TenantStatus;
  settings?: TenantSettings;
  hostnames?: string[];
}

/** A host name is already another tenant's (or twice in one list): how a store says so without its own error codes. */
export class HostnameTaken extends Error {
  constructor(readonly hostname: string | undefined) {
    super('host name taken');
  }
}

/**
 * The tenants table and its host names. Which tenants a call sees is the caller's scope (the
 * service runs platform calls in system scope, a tenant admin's in its tenant). Errors: insert and
 * update throw HostnameTaken on a host name that is already used; nothing else is expected.
 */
export interface TenantRepository {
  insert(tx: Transaction, tenant: { id: string; name: string; settings: TenantSettings; hostnames: string[] }): Promise<Tenant>;
  /** With `tx`, the row is locked until it ends (a change reads what it changes). */
  find(id: string, tx?: Transaction): Promise<Tenant | null>;
  /** Newest first; limit + 1 rows. */
  list(limit: number, after?: Cursor): Promise<Tenant[]>;
  update(tx: Transaction, id: string, changes: TenantChanges): Promise<Tenant | null>;
  /** Replaces the credentials' envelope (null: none) and their names. */
  setCredentials(tx: Transaction, id: string, envelope: string | null, names: string[]): Promise<Tenant | null>;
  /** The encrypted credentials of one tenant (null: none set; undefined: no such tenant). */
  credentialsEnvelope(id: string): Promise<string | null | undefined>;
  /** The tenant a host name (lower case, no port) belongs to. */
  tenantOfHost(hostname: string): Promise<string | undefined>;
}
