import { fakeBasisTheory } from '../../support/fake-basis-theory';
import { fakeStripe } from '../../support/fake-stripe';
import { registerUser, startTestApp, type TestApp } from '../../support/test-app';

const CARD = { number: '4242424242424242', expMonth: 12, expYear: new Date().getUTCFullYear() + 3, cvc: '123' };
const FAST = { PROVIDER_TIMEOUT_MS: '300', PROVIDER_RETRIES_MAX: '1', PROVIDER_BACKOFF_BASE_MS: '5' };

describe.each([
  [
    'basis_theory',
    () => fakeBasisTheory('key_bt'),
    (url: string) => ({ TOKEN_PROVIDER: 'basis_theory', BASIS_THEORY_API_URL: url, BASIS_THEORY_API_KEY: 'key_bt' }),
  ],
  [
    'stripe',
    () => fakeStripe('sk_test_x'),
    (url: string) => ({ TOKEN_PROVIDER: 'stripe', STRIPE_API_URL: url, STRIPE_SECRET_KEY: 'sk_test_x' }),
  ],
] as const)('/api/v1/tokens with TOKEN_PROVIDER=%s', (provider, makeServer, env) => {
  const server = makeServer();
  let t: TestApp;
  beforeAll(async () => {
    await server.start();
    t = await startTestApp({ ...FAST, ...env(server.url) });
  });
  afterAll(async () => {
    await t.close();
    await server.stop();
  });

  it('when a card is tokenized, then the provider holds it and OCP stores no card data of its own', async () => {
    const alice = await registerUser(t);
    const res = await t.http().post('/api/v1/tokens').set(alice.auth).send({ type: 'card', data: CARD });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ provider, card: { last4: '4242', brand: 'visa' } });
    expect((await t.container.db.query('SELECT 1 FROM token_vault')).rowCount).toBe(0);
    expect((await t.http().get(`/api/v1/tokens/${res.body.id}`).set(alice.auth)).status).toBe(200);
    expect((await t.http().delete(`/api/v1/tokens/${res.body.id}`).set(alice.auth)).status).toBe(204);
  });

  it('when the provider is down, then 503 token_provider_unavailable and no token record', async () => {
    const alice = await registerUser(t);
    server.inject('fail', 5);
    const res = await t.http().post('/api/v1/tokens').set(alice.auth).send({ type: 'card', data: CARD });
    server.clearFaults();
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('token_provider_unavailable');
    expect(res.headers['retry-after']).toBe('5');
    const rows = await t.container.db.query('SELECT 1 FROM payment_tokens WHERE owner_id = $1', [alice.id]);
    expect(rows.rowCount).toBe(0);
  });
});

describe('provider settings', () => {
  it('when TOKEN_PROVIDER=basis_theory has no API key, then start-up fails naming the setting', async () => {
    await expect(startTestApp({ TOKEN_PROVIDER: 'basis_theory' })).rejects.toThrow(/BASIS_THEORY_API_KEY/);
  });
});
