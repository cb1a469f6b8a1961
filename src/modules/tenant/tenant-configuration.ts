import type { EventFanout } from '../../infra/pubsub/event-fanout';
import { inSystemScope } from '../../infra/tenant-scope';
import { newEvent } from '../../shared/events';
import type { TenantConfiguration, TenantCredentials, TenantSettings } from '../../shared/tenant-settings';
import type { TenantCredentialsVault } from './tenant-credentials-vault';
import type { Tenant, TenantRepository, TenantStatus } from './tenant.repository';
import { makeRoomFor } from '../../shared/bounded-map';

/** The event every instance hears when a tenant changed (its cached entries are dropped). */
export const TENANT_CHANGED = 'tenant.changed';

export interface TenantConfigurationOptions {
  /**
   * How long an entry is trusted without hearing of a change: pub/sub is best effort (an instance
   * that was disconnected misses a message), so this bounds how stale a missed change can stay.
   */
  ttlMs: number;
  /** Host names remembered (found or not): anyone can send any Host header, so the map is bounded. */
  hostsMax: number;
  now?: () => number;
}

interface Entry<T> {
  value: Promise<T>;
  expiresAtMs: number;
}

/** What a tenant shows of itself (branding, its status), as read by the configuration. */
export interface TenantProfile {
  id: string;
  name: string;
  status: TenantStatus;
  settings: TenantSettings;
}

/**
 * The tenants' configuration as every request reads it: settings, credentials, status and host
 * names, read in system scope (the tenants table, whoever asks) and cached per process. A change
 * made here drops this instance's entry at once and tells the other instances through the event
 * fan-out (Redis pub/sub when REDIS_URL is set), which drop theirs.
 */
export class CachedTenantConfiguration implements TenantConfiguration {
  private readonly profiles = new Map<string, Entry<TenantProfile | undefined>>();
  private readonly credentials = new Map<string, Entry<TenantCredentials>>();
  private readonly hosts = new Map<string, Entry<string | undefined>>();
  private readonly now: () => number;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly repo: Pick<TenantRepository, 'find' | 'credentialsEnvelope' | 'tenantOfHost'>,
    private readonly vault: TenantCredentialsVault,
    private readonly fanout: EventFanout,
    private readonly options: TenantConfigurationOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.unsubscribe = fanout.subscribe(
      (event) => {
        if (typeof event.data.tenantId === 'string') this.forget(event.data.tenantId);
      },
      [TENANT_CHANGED],
    );
  }

  /** A tenant's settings; an unknown tenant has none (the service's defaults). */
  async settingsOf(tenantId: string): Promise<TenantSettings> {
    return (await this.profileOf(tenantId))?.settings ?? {};
  }

  /** A tenant's provider credentials, decrypted; never logged nor returned by any route. */
  credentialsOf(tenantId: string): Promise<TenantCredentials> {
    return this.cached(this.credentials, tenantId, async () => {
      const envelope = await inSystemScope(() => this.repo.credentialsEnvelope(tenantId));
      return envelope ? this.vault.open(tenantId, envelope) : {};
    });
  }

  /** active, suspended, or undefined for a tenant that does not exist. */
  async statusOf(tenantId: string): Promise<TenantStatus | undefined> {
    return (await this.profileOf(tenantId))?.status;
  }

  profileOf(tenantId: string): Promise<TenantProfile | undefined> {
    return this.cached(this.profiles, tenantId, async () => {
      const tenant = await inSystemScope(() => this.repo.find(tenantId));
      return tenant ? profile(tenant) : undefined;
    });
  }

  /** The tenant a host name belongs to (any case, a trailing dot or a port ignored); undefined for none. */
  tenantOfHost(hostname: string): Promise<string | undefined> {
    const host = normalHostname(hostname);
    if (host === undefined) return Promise.resolve(undefined);
    makeRoomFor(this.hosts, host, this.options.hostsMax);
    return this.cached(this.hosts, host, () => inSystemScope(() => this.repo.tenantOfHost(host)));
  }

  /** After a change to a tenant (made by this instance): every instance forgets it. */
  changed(tenantId: string): void {
    this.forget(tenantId);
    this.fanout.publish(newEvent(TENANT_CHANGED, tenantId, { tenantId }));
  }

  close(): void {
    this.unsubscribe();
  }

  /** Host names moved may be anyone's: the host map is dropped whole (host names change rarely). */
  private forget(tenantId: string): void {
    this.profiles.delete(tenantId);
    this.credentials.delete(tenantId);
    this.hosts.clear();
  }

  /**
   * The entry holds the promise from the start, so concurrent askers share one read; a read that
   * fails is not kept. A change while a read is in flight deletes the entry: the next ask reads again.
   */
  private cached<T>(map: Map<string, Entry<T>>, key: string, load: () => Promise<T>): Promise<T> {
    const hit = map.get(key);
    if (hit && hit.expiresAtMs > this.now()) return hit.value;
    const entry: Entry<T> = { value: load(), expiresAtMs: this.now() + this.options.ttlMs };
    map.set(key, entry);
    entry.value.catch(() => {
      if (map.get(key) === entry) map.delete(key);
    });
    return entry.value;
  }
}

function profile(tenant: Tenant): TenantProfile {
  return { id: tenant.id, name: tenant.name, status: tenant.status, settings: tenant.settings };
}

const HOSTNAME = /^[a-z0-9.-]{1,253}$/;

/** Lower case, without a port or a trailing dot; undefined for what cannot be a host name. */
export function normalHostname(raw: string): string | undefined {
  const host = raw.trim().toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
  return HOSTNAME.test(host) ? host : undefined;
}
