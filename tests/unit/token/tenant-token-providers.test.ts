import { TenantTokenProviders } from '../../../src/modules/token/tenant-token-providers';
import type { TokenProvider } from '../../../src/modules/token/token-provider';
import { inTenant } from '../../../src/infra/tenant-scope';
import { MemoryTenantConfiguration } from '../../support/tenants';

/** Stand-in providers that remember how they were built (never called here). */
type Keyed = TokenProvider & { secretKey?: string };
const provider = (name: string, secretKey?: string) => ({ name, secretKey }) as unknown as Keyed;

function setup(environmentName = 'local') {
  const tenants = new MemoryTenantConfiguration();
  const built: string[] = [];
  const environment = provider(environmentName);
  const providers = new TenantTokenProviders(tenants, environment, (secretKey) => {
    built.push(secretKey);
    return provider('stripe', secretKey);
  });
  return { tenants, built, environment, providers };
}

describe('TenantTokenProviders', () => {
  it("when a tenant charges through the environment's processor or the sandbox, then its cards go to the environment's provider", async () => {
    const { tenants, providers, environment, built } = setup();
    tenants.set('ten_s', { payments: { processor: 'sandbox' } });
    expect(await inTenant('ten_a', () => providers.current())).toBe(environment);
    expect(await inTenant('ten_s', () => providers.current())).toBe(environment);
    expect(await providers.named('ten_a', 'local')).toBe(environment);
    expect(await providers.named('ten_a', 'stripe')).toBeUndefined();
    expect(built).toEqual([]);
  });

  it('when a tenant charges through its own Stripe account, then its cards are tokenized there with its key, built once while the key stays', async () => {
    const { tenants, providers, built } = setup();
    tenants.set('ten_b', { payments: { processor: 'stripe' } }).setCredentials('ten_b', { stripeSecretKey: 'sk_b' });
    const first = await inTenant('ten_b', () => providers.current());
    expect((first as Keyed).secretKey).toBe('sk_b');
    expect(await providers.named('ten_b', 'stripe')).toBe(first);
    tenants.setCredentials('ten_b', { stripeSecretKey: 'sk_b2' });
    expect(((await providers.named('ten_b', 'stripe')) as Keyed).secretKey).toBe('sk_b2');
    expect(built).toEqual(['sk_b', 'sk_b2']);
  });

  it("when a tenant on its own Stripe account holds a card in the environment's vault from before, then that card is still found there", async () => {
    const { tenants, providers, environment } = setup();
    tenants.set('ten_b', { payments: { processor: 'stripe' } }).setCredentials('ten_b', { stripeSecretKey: 'sk_b' });
    expect(await providers.named('ten_b', 'local')).toBe(environment);
  });

  it("when the environment's vault is Stripe too, then a tenant on its own account resolves 'stripe' to its own account, others to the environment's", async () => {
    const { tenants, providers, environment } = setup('stripe');
    tenants.set('ten_b', { payments: { processor: 'stripe' } }).setCredentials('ten_b', { stripeSecretKey: 'sk_b' });
    expect(((await providers.named('ten_b', 'stripe')) as Keyed).secretKey).toBe('sk_b');
    expect(await providers.named('ten_a', 'stripe')).toBe(environment);
  });

  it('when a tenant chose Stripe without a key, then tokenizing and reaching its Stripe cards refuse with processor_not_configured', async () => {
    const { tenants, providers } = setup();
    tenants.set('ten_c', { payments: { processor: 'stripe' } });
    await expect(inTenant('ten_c', () => providers.current())).rejects.toMatchObject({ code: 'processor_not_configured' });
    await expect(providers.named('ten_c', 'stripe')).rejects.toMatchObject({ code: 'processor_not_configured' });
  });
});
