import { SandboxProcessor } from '../../../src/modules/payment/processor/sandbox.processor';
import { TenantProcessors } from '../../../src/modules/payment/processor/tenant-processors';
import type { PaymentProcessor } from '../../../src/modules/payment/processor/payment-processor';
import { inTenant } from '../../../src/infra/tenant-scope';
import { MemoryTenantConfiguration } from '../../support/tenants';

/** A stand-in Stripe adapter that remembers the key it was built with (never called here). */
type KeyedStripe = PaymentProcessor & { secretKey: string };
const keyedStripe = (secretKey: string) => ({ name: 'stripe', secretKey }) as unknown as KeyedStripe;

function setup() {
  const tenants = new MemoryTenantConfiguration();
  const built: string[] = [];
  const environment = new SandboxProcessor();
  const processors = new TenantProcessors(tenants, {
    environment,
    sandbox: environment,
    stripe: (secretKey) => {
      built.push(secretKey);
      return keyedStripe(secretKey);
    },
  });
  return { tenants, built, environment, processors };
}

describe('TenantProcessors', () => {
  it("when a tenant sets no payments, then its charges and its recorded ones go to the environment's processor, and another name is none", async () => {
    const { processors, environment } = setup();
    expect(await inTenant('ten_a', () => processors.current())).toBe(environment);
    expect(await processors.named('ten_a', 'sandbox')).toBe(environment);
    expect(await processors.named('ten_a', 'stripe')).toBeUndefined();
  });

  it('when a tenant picks Stripe, then its processor is built on first use with its key and kept while the key stays', async () => {
    const { tenants, processors, built } = setup();
    tenants.set('ten_b', { payments: { processor: 'stripe' } }).setCredentials('ten_b', { stripeSecretKey: 'sk_b' });
    expect(built).toEqual([]);
    const first = await inTenant('ten_b', () => processors.current());
    const again = await processors.named('ten_b', 'stripe');
    expect((first as KeyedStripe).secretKey).toBe('sk_b');
    expect(again).toBe(first);
    expect(built).toEqual(['sk_b']);
  });

  it('when the tenant key changes, then a new processor is built with the new key', async () => {
    const { tenants, processors, built } = setup();
    tenants.set('ten_b', { payments: { processor: 'stripe' } }).setCredentials('ten_b', { stripeSecretKey: 'sk_b' });
    const before = await processors.named('ten_b', 'stripe');
    tenants.setCredentials('ten_b', { stripeSecretKey: 'sk_b2' });
    const after: PaymentProcessor | undefined = await processors.named('ten_b', 'stripe');
    expect(after).not.toBe(before);
    expect((after as KeyedStripe).secretKey).toBe('sk_b2');
    expect(built).toEqual(['sk_b', 'sk_b2']);
  });

  it('when two tenants pick Stripe, then each has its own processor under its own key', async () => {
    const { tenants, processors } = setup();
    tenants.set('ten_b', { payments: { processor: 'stripe' } }).setCredentials('ten_b', { stripeSecretKey: 'sk_b' });
    tenants.set('ten_c', { payments: { processor: 'stripe' } }).setCredentials('ten_c', { stripeSecretKey: 'sk_c' });
    const b = (await processors.named('ten_b', 'stripe')) as KeyedStripe;
    const c = (await processors.named('ten_c', 'stripe')) as KeyedStripe;
    expect([b.secretKey, c.secretKey]).toEqual(['sk_b', 'sk_c']);
  });

  it('when a tenant picks Stripe without a key, then current() refuses with processor_not_configured and names no processor', async () => {
    const { tenants, processors } = setup();
    tenants.set('ten_c', { payments: { processor: 'stripe' } });
    await expect(inTenant('ten_c', () => processors.current())).rejects.toMatchObject({ code: 'processor_not_configured' });
    expect(await processors.named('ten_c', 'stripe')).toBeUndefined();
  });

  it('when a tenant picks the sandbox, then it gets the sandbox whatever the environment uses', async () => {
    const { tenants, processors, environment } = setup();
    tenants.set('ten_s', { payments: { processor: 'sandbox' } });
    expect(await inTenant('ten_s', () => processors.current())).toBe(environment);
  });
});
