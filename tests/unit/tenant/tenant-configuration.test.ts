import { Encryptor } from '../../../src/infra/crypto/envelope';
import { MemoryEventFanout } from '../../../src/infra/pubsub/event-fanout';
import { CachedTenantConfiguration, normalHostname, TENANT_CHANGED } from '../../../src/modules/tenant/tenant-configuration';
import { TenantCredentialsVault } from '../../../src/modules/tenant/tenant-credentials-vault';
import type { Tenant } from '../../../src/modules/tenant/tenant.repository';
import { newEvent } from '../../../src/shared/events';

const encryptor = new Encryptor([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
const vault = new TenantCredentialsVault(encryptor);

function tenant(id: string, changes: Partial<Tenant> = {}): Tenant {
  const at = new Date('2026-01-01T00:00:00Z');
  return { id, name: id, status: 'active', settings: {}, hostnames: [], credentialNames: [], createdAt: at, updatedAt: at, ...changes };
}

/** A repository in memory that counts its reads. */
function fakeRepo() {
  const rows = new Map<string, Tenant>([['ten_a', tenant('ten_a', { settings: { currencies: ['USD'] } })]]);
  const envelopes = new Map<string, string | null>();
  const hosts = new Map<string, string>([['pay.a.example', 'ten_a']]);
  const reads = { find: 0, credentials: 0, hosts: 0 };
  return {
    rows,
    envelopes,
    hosts,
    reads,
    repo: {
      async find(id: string) {
        reads.find += 1;
        return rows.get(id) ?? null;
      },
      async credentialsEnvelope(id: string) {
        reads.credentials += 1;
        return rows.has(id) ? (envelopes.get(id) ?? null) : undefined;
      },
      async tenantOfHost(host: string) {
        reads.hosts += 1;
        return hosts.get(host);
      },
    },
  };
}

describe('the cached tenant configuration', () => {
  let now = 0;
  const options = { ttlMs: 1_000, hostsMax: 3, now: () => now };
  beforeEach(() => {
    now = 0;
  });

  it('when settings are asked twice, then the tenants row is read once', async () => {
    const store = fakeRepo();
    const config = new CachedTenantConfiguration(store.repo, vault, new MemoryEventFanout(), options);
    expect(await config.settingsOf('ten_a')).toEqual({ currencies: ['USD'] });
    expect(await config.settingsOf('ten_a')).toEqual({ currencies: ['USD'] });
    expect(store.reads.find).toBe(1);
  });

  it('when concurrent callers ask for a tenant not cached yet, then they share one read', async () => {
    const store = fakeRepo();
    const config = new CachedTenantConfiguration(store.repo, vault, new MemoryEventFanout(), options);
    await Promise.all([config.statusOf('ten_a'), config.statusOf('ten_a'), config.settingsOf('ten_a')]);
    expect(store.reads.find).toBe(1);
  });

  it('when the entry is older than the TTL, then it is read again', async () => {
    const store = fakeRepo();
    const config = new CachedTenantConfiguration(store.repo, vault, new MemoryEventFanout(), options);
    await config.statusOf('ten_a');
    now = 1_001;
    await config.statusOf('ten_a');
    expect(store.reads.find).toBe(2);
  });

  it('when a tenant changes on this instance, then this one and another listening on the same fan-out read it again', async () => {
    const store = fakeRepo();
    const fanout = new MemoryEventFanout();
    const here = new CachedTenantConfiguration(store.repo, vault, fanout, options);
    const there = new CachedTenantConfiguration(store.repo, vault, fanout, options);
    expect(await here.statusOf('ten_a')).toBe('active');
    expect(await there.statusOf('ten_a')).toBe('active');
    store.rows.set('ten_a', tenant('ten_a', { status: 'suspended' }));
    here.changed('ten_a');
    expect(await here.statusOf('ten_a')).toBe('suspended');
    expect(await there.statusOf('ten_a')).toBe('suspended');
  });

  it('when another instance says a tenant changed, then its credentials are decrypted afresh', async () => {
    const store = fakeRepo();
    const fanout = new MemoryEventFanout();
    const config = new CachedTenantConfiguration(store.repo, vault, fanout, options);
    expect(await config.credentialsOf('ten_a')).toEqual({});
    store.envelopes.set('ten_a', vault.seal('ten_a', { stripeSecretKey: 'sk_test_new' }));
    expect(await config.credentialsOf('ten_a')).toEqual({});
    fanout.publish(newEvent(TENANT_CHANGED, 'ten_a', { tenantId: 'ten_a' }));
    expect(await config.credentialsOf('ten_a')).toEqual({ stripeSecretKey: 'sk_test_new' });
  });

  it('when an envelope was sealed for another tenant, then it does not open for this one', async () => {
    const store = fakeRepo();
    store.envelopes.set('ten_a', vault.seal('ten_b', { stripeSecretKey: 'sk_test_b' }));
    const config = new CachedTenantConfiguration(store.repo, vault, new MemoryEventFanout(), options);
    await expect(config.credentialsOf('ten_a')).rejects.toThrow();
    // A failed read is not kept: the next ask reads again.
    store.envelopes.set('ten_a', null);
    expect(await config.credentialsOf('ten_a')).toEqual({});
  });

  it('when a tenant does not exist, then it has no status and no settings', async () => {
    const config = new CachedTenantConfiguration(fakeRepo().repo, vault, new MemoryEventFanout(), options);
    expect(await config.statusOf('ten_nobody')).toBeUndefined();
    expect(await config.settingsOf('ten_nobody')).toEqual({});
  });

  it('when host names are asked in any case or with a port, then the tenant is found, and unknown ones are remembered up to the bound', async () => {
    const store = fakeRepo();
    const config = new CachedTenantConfiguration(store.repo, vault, new MemoryEventFanout(), options);
    expect(await config.tenantOfHost('PAY.A.example:8443')).toBe('ten_a');
    expect(await config.tenantOfHost('pay.a.example.')).toBe('ten_a');
    expect(store.reads.hosts).toBe(1);
    for (const host of ['x.example', 'y.example', 'z.example', 'w.example']) expect(await config.tenantOfHost(host)).toBeUndefined();
    // Bounded at 3: the oldest (pay.a.example) was dropped and is read again.
    expect(await config.tenantOfHost('pay.a.example')).toBe('ten_a');
    expect(store.reads.hosts).toBe(6);
    expect(await config.tenantOfHost('bad host/')).toBeUndefined();
    expect(store.reads.hosts).toBe(6);
  });

  it('when a tenant changes, then the host names are looked up again', async () => {
    const store = fakeRepo();
    const config = new CachedTenantConfiguration(store.repo, vault, new MemoryEventFanout(), options);
    expect(await config.tenantOfHost('new.example')).toBeUndefined();
    store.hosts.set('new.example', 'ten_a');
    config.changed('ten_a');
    expect(await config.tenantOfHost('new.example')).toBe('ten_a');
  });

  it('normalHostname refuses what cannot be a host name', () => {
    expect(normalHostname('Shop.Example.COM')).toBe('shop.example.com');
    expect(normalHostname('[::1]:80')).toBeUndefined();
    expect(normalHostname('')).toBeUndefined();
  });
});
